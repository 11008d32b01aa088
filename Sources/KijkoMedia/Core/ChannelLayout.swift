internal import CFFmpeg

/// libav's name for a channel layout (`stereo`, `5.1(side)`), or nil when it cannot describe it.
func channelLayoutName(_ layout: UnsafePointer<AVChannelLayout>) -> String? {
    var text = [CChar](repeating: 0, count: 128)
    guard av_channel_layout_describe(layout, &text, text.count) >= 0 else { return nil }
    return string(fromNulTerminated: text)
}

/// The default layout's name for `channels` channels (2: `stereo`, 6: `5.1`).
func defaultChannelLayoutName(channels: Int) -> String {
    var layout = AVChannelLayout()
    av_channel_layout_default(&layout, Int32(channels))
    defer { av_channel_layout_uninit(&layout) }
    return channelLayoutName(&layout) ?? "\(channels) channels"
}
