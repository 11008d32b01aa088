#ifndef KIJKO_CFFMPEG_SHIM_H
#define KIJKO_CFFMPEG_SHIM_H
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavfilter/avfilter.h>
#include <libavfilter/buffersrc.h>
#include <libavfilter/buffersink.h>
#include <libswscale/swscale.h>
#include <libswresample/swresample.h>
#include <libavutil/avutil.h>
#include <libavutil/opt.h>
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
#include <libavutil/display.h>
#include <libavutil/mastering_display_metadata.h>
#include <libavutil/timecode.h>
#include <libavutil/channel_layout.h>
#include <libavutil/samplefmt.h>
#include <libavutil/error.h>
#include <libavutil/log.h>
#include <libavutil/sha.h>
#include <libavutil/video_enc_params.h>

/* Macros Swift cannot import as constants. */
static inline int kijko_averror_eagain(void) { return AVERROR(EAGAIN); }
static inline int kijko_averror_eof(void) { return AVERROR_EOF; }
static inline int kijko_averror_enomem(void) { return AVERROR(ENOMEM); }
static inline int kijko_averror_einval(void) { return AVERROR(EINVAL); }
static inline int64_t kijko_nopts(void) { return AV_NOPTS_VALUE; }

/* The mean H.264 quantiser of a decoded picture (0-51), weighted by block area, from the encoder
   parameters the decoder exported (AV_FRAME_DATA_VIDEO_ENC_PARAMS); -1 when the frame carries
   none or they are not on H.264's scale. */
static inline double kijko_mean_h264_qp(const AVFrame *frame) {
    AVFrameSideData *sd = av_frame_get_side_data(frame, AV_FRAME_DATA_VIDEO_ENC_PARAMS);
    if (!sd || sd->size < sizeof(AVVideoEncParams)) return -1;
    AVVideoEncParams *par = (AVVideoEncParams *)sd->data;
    if (par->type != AV_VIDEO_ENC_PARAMS_H264) return -1;
    /* H.264 above 8 bits carries its quantiser offset by 6 per extra bit: take it off. */
    const AVPixFmtDescriptor *desc = av_pix_fmt_desc_get(frame->format);
    double offset = desc && desc->comp[0].depth > 8 ? 6.0 * (desc->comp[0].depth - 8) : 0;
    if (par->nb_blocks == 0 || par->block_size < sizeof(AVVideoBlockParams)
        || par->blocks_offset + (size_t)par->nb_blocks * par->block_size > sd->size) return par->qp - offset;
    double sum = 0, area = 0;
    for (unsigned i = 0; i < par->nb_blocks; i++) {
        AVVideoBlockParams *b = av_video_enc_params_block(par, i);
        double a = (double)b->w * b->h;
        sum += a * (par->qp + b->delta_qp);
        area += a;
    }
    return (area > 0 ? sum / area : par->qp) - offset;
}
#endif
