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
#include <libavutil/timecode.h>
#include <libavutil/channel_layout.h>
#include <libavutil/samplefmt.h>
#include <libavutil/error.h>
#include <libavutil/log.h>
#include <libavutil/sha.h>

/* Macros Swift cannot import as constants. */
static inline int kijko_averror_eagain(void) { return AVERROR(EAGAIN); }
static inline int kijko_averror_eof(void) { return AVERROR_EOF; }
static inline int kijko_averror_enomem(void) { return AVERROR(ENOMEM); }
static inline int kijko_averror_einval(void) { return AVERROR(EINVAL); }
static inline int64_t kijko_nopts(void) { return AV_NOPTS_VALUE; }
#endif
