// Still images through FFmpeg's image demuxers: first frame, converted to packed 8/16-bit samples.
#include "ccodecs_ffmpeg.h"
#include "ff_common.h"
#include "pixel_limit.h"
#include <string.h>
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>

struct ccodecs_still {
    AVFrame *frame;
    enum AVPixelFormat out_format;
    ccodecs_still_info info;
};

// Carried in AVCodecContext.opaque: the size limit, and the size that broke it.
typedef struct {
    int64_t max_pixels;
    int refused_width, refused_height, refused_channels;
} size_limit;

// Every decoder asks for its frame buffer here once it knows the size, so refusing here comes
// before the big allocation (FFmpeg's own max_pixels check forgets the size it refused).
static int limited_get_buffer(AVCodecContext *ctx, AVFrame *frame, int flags) {
    size_limit *limit = ctx->opaque;
    if ((int64_t)frame->width * frame->height > limit->max_pixels) {
        limit->refused_width = frame->width;
        limit->refused_height = frame->height;
        const AVPixFmtDescriptor *format = av_pix_fmt_desc_get(frame->format);
        limit->refused_channels = format ? FFMIN(4, format->nb_components) : 3;
        return AVERROR(ERANGE);
    }
    return avcodec_default_get_buffer2(ctx, frame, flags);
}

static int is_image_demuxer(const AVInputFormat *format) {
    size_t n = strlen(format->name);
    return strcmp(format->name, "image2") == 0 || (n > 5 && strcmp(format->name + n - 5, "_pipe") == 0);
}

// Decodes the first frame of the best video stream into frame.
static int decode_first_frame(AVFormatContext *ic, int64_t max_pixels, AVFrame *frame,
                              char *err, size_t errlen) {
    const AVCodec *codec = NULL;
    int index = av_find_best_stream(ic, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
    if (index < 0) {
        ff_set_message(err, errlen, index == AVERROR_DECODER_NOT_FOUND ? "no decoder for this image format"
                                                                       : "no image in file");
        return -1;
    }
    AVCodecContext *dec = avcodec_alloc_context3(codec);
    AVPacket *packet = av_packet_alloc();
    size_limit limit = {max_pixels, 0, 0, 0};
    int ret = dec && packet ? avcodec_parameters_to_context(dec, ic->streams[index]->codecpar) : AVERROR(ENOMEM);
    if (ret >= 0) {
        dec->opaque = &limit;
        dec->get_buffer2 = limited_get_buffer;
        ret = avcodec_open2(dec, codec, NULL);
    }
    if (ret < 0) {
        ff_set_error(err, errlen, "cannot open decoder", ret);
    } else {
        int at_end = 0;
        while ((ret = avcodec_receive_frame(dec, frame)) == AVERROR(EAGAIN)) {
            ret = av_read_frame(ic, packet);
            if (ret == AVERROR_EOF && !at_end) {
                at_end = 1;
                ret = avcodec_send_packet(dec, NULL);
            } else if (ret >= 0) {
                if (packet->stream_index == index) ret = avcodec_send_packet(dec, packet);
                av_packet_unref(packet);
            }
            if (ret < 0) break;
        }
        if (limit.refused_width > 0)
            pixel_limit_message(err, errlen, limit.refused_width, limit.refused_height, limit.refused_channels,
                                (long long)max_pixels);
        else if (ret == AVERROR_EOF)
            ff_set_message(err, errlen, "no image data in file");
        else if (ret < 0)
            ff_set_error(err, errlen, "cannot decode", ret);
    }
    av_packet_free(&packet);
    avcodec_free_context(&dec);
    return ret < 0 ? -1 : 0;
}

// Keeps what the source has: gray or colour, alpha or not, 8 or 16 bits.
static void choose_layout(const AVFrame *frame, ccodecs_still *still) {
    const AVPixFmtDescriptor *desc = av_pix_fmt_desc_get(frame->format);
    int alpha, gray, deep;
    if (desc->flags & AV_PIX_FMT_FLAG_PAL) {
        // A palette format always claims alpha; look at the entries instead (ARGB words).
        const uint32_t *palette = (const uint32_t *)frame->data[1];
        alpha = 0;
        gray = 1;
        for (int i = 0; i < 256; i++) {
            uint32_t c = palette[i];
            alpha |= (c >> 24) != 0xFF;
            gray &= ((c >> 16) & 0xFF) == ((c >> 8) & 0xFF) && ((c >> 8) & 0xFF) == (c & 0xFF);
        }
        deep = 0;
    } else {
        alpha = (desc->flags & AV_PIX_FMT_FLAG_ALPHA) != 0;
        gray = !(desc->flags & AV_PIX_FMT_FLAG_RGB) && desc->nb_components - alpha == 1;
        deep = desc->comp[0].depth > 8;
    }
    static const enum AVPixelFormat formats[2][4] = {
        {AV_PIX_FMT_GRAY8, AV_PIX_FMT_YA8, AV_PIX_FMT_RGB24, AV_PIX_FMT_RGBA},
        {AV_PIX_FMT_GRAY16, AV_PIX_FMT_YA16, AV_PIX_FMT_RGB48, AV_PIX_FMT_RGBA64},
    };
    int channels = (gray ? 1 : 3) + alpha;
    still->out_format = formats[deep][channels - 1];
    still->info = (ccodecs_still_info){frame->width, frame->height, channels, deep ? 16 : 8};
}

int ccodecs_still_open(const char *path, int64_t max_pixels, ccodecs_still **out,
                       ccodecs_still_info *info, char *err, size_t errlen) {
    *out = NULL;
    ff_quiet_log();
    if (ff_check_input_file(path, err, errlen) < 0) return -1;
    AVFormatContext *ic = NULL;
    AVDictionary *options = NULL;
    // A '%' in a file name must not turn it into an image-sequence pattern.
    av_dict_set(&options, "pattern_type", "none", 0);
    int ret = avformat_open_input(&ic, path, NULL, &options);
    av_dict_free(&options);
    if (ret < 0) {
        ff_set_error(err, errlen, "not an image", ret);
        return -1;
    }
    if (!is_image_demuxer(ic->iformat)) {
        ff_set_message(err, errlen, "not a still image (FFmpeg reads it as %s)", ic->iformat->name);
        avformat_close_input(&ic);
        return -1;
    }
    ccodecs_still *still = av_mallocz(sizeof *still);
    if (still) still->frame = av_frame_alloc();
    if (!still || !still->frame) {
        ff_set_message(err, errlen, "out of memory");
        ret = -1;
    } else {
        ret = decode_first_frame(ic, max_pixels, still->frame, err, errlen);
    }
    avformat_close_input(&ic);
    if (ret < 0) {
        ccodecs_still_close(still);
        return -1;
    }
    choose_layout(still->frame, still);
    *info = still->info;
    *out = still;
    return 0;
}

// Rows converted per swscale call: the frame is converted a slice at a time through a small buffer, so
// decoding never holds a second whole image beside the decoded frame and the samples.
enum { SLICE_ROWS = 32, SLICE_SLACK = 16 };

int ccodecs_still_read(ccodecs_still *still, uint16_t *samples, char *err, size_t errlen) {
    const AVFrame *frame = still->frame;
    int width = still->info.width, height = still->info.height;
    int bytes = still->info.bit_depth / 8, row = width * still->info.channels;
    size_t row_bytes = (size_t)row * bytes;
    struct SwsContext *sws = sws_getContext(width, height, frame->format, width, height, still->out_format,
                                            SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT, NULL, NULL, NULL);
    // A private padded buffer of a slice and some slack (a vertical filter can hand back a few more rows
    // than the slice it was given); swscale's vector code may write past the last sample of a row.
    size_t buffer_rows = 2 * SLICE_ROWS + SLICE_SLACK;
    uint8_t *buffer = av_malloc(row_bytes * buffer_rows + 64);
    const AVPixFmtDescriptor *desc = av_pix_fmt_desc_get(frame->format);
    if (!sws || !buffer || !desc) {
        ff_set_message(err, errlen, sws ? "out of memory" : "cannot convert pixel format %s",
                       av_get_pix_fmt_name(frame->format));
        sws_freeContext(sws);
        av_free(buffer);
        return -1;
    }
    ff_set_colors(sws, frame->format, frame->colorspace, frame->color_range, still->out_format,
                  AVCOL_SPC_UNSPECIFIED, AVCOL_RANGE_UNSPECIFIED);
    int strides[4] = {(int)row_bytes};
    int planar_rows = !(desc->flags & AV_PIX_FMT_FLAG_PAL);  // a palette's plane 1 is the palette, not rows
    int out_row = 0;
    for (int y = 0; y < height; y += SLICE_ROWS) {
        int h = FFMIN(SLICE_ROWS, height - y);
        const uint8_t *source[4] = {NULL};
        for (int p = 0; p < 4 && frame->data[p]; p++) {
            int chroma = planar_rows && (p == 1 || p == 2) && !(desc->flags & AV_PIX_FMT_FLAG_RGB);
            int plane_row = chroma ? y >> desc->log2_chroma_h : y;
            source[p] = p == 0 || planar_rows ? frame->data[p] + (ptrdiff_t)plane_row * frame->linesize[p] : frame->data[p];
        }
        // swscale writes the output rows it has ready at their image positions: point row out_row at the buffer.
        uint8_t *target[4] = {buffer - (ptrdiff_t)out_row * (ptrdiff_t)row_bytes};
        int got = sws_scale(sws, source, frame->linesize, y, h, target, strides);
        if (got < 0 || (size_t)got > buffer_rows || out_row + got > height) {
            ff_set_message(err, errlen, "cannot convert pixel format %s", av_get_pix_fmt_name(frame->format));
            sws_freeContext(sws);
            av_free(buffer);
            return -1;
        }
        size_t count = (size_t)row * got;
        uint16_t *dst = samples + (size_t)out_row * row;
        if (bytes == 2) memcpy(dst, buffer, count * 2);  // native-endian 16-bit formats
        else for (size_t i = 0; i < count; i++) dst[i] = buffer[i];
        out_row += got;
    }
    sws_freeContext(sws);
    av_free(buffer);
    if (out_row != height) {
        ff_set_message(err, errlen, "converted %d of %d rows", out_row, height);
        return -1;
    }
    return 0;
}

void ccodecs_still_close(ccodecs_still *still) {
    if (!still) return;
    av_frame_free(&still->frame);
    av_free(still);
}
