// One-pass video transcoding: frames come out as planar float RGB, replacements go back in with
// the original timestamps; audio, subtitle and data packets are copied as they are met, so memory
// stays constant.
#include "ccodecs_ffmpeg.h"
#include "ff_common.h"
#include <math.h>
#include <string.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>

enum { INPUT = CCODECS_FAIL_INPUT, OUTPUT = CCODECS_FAIL_OUTPUT, MAX_WARNINGS = 8, WARNING_LENGTH = 200, MAX_LOST_TIMES = 8 };

// Frames pass through planar RGB on their way to and from float: 8-bit GBRP where swscale copies
// exactly (8-bit RGB, gray and palette sources; 8-bit RGB outputs), else GBRP16, which keeps the
// precision of YUV conversions and deeper sources. (swscale widens 8 to 16 bits as v << 8, so
// 8-bit RGB through GBRP16 would be off by up to 1/255.) Planes are G, B, R.
static const int RGB_PLANE[3] = {2, 0, 1};  // R, G, B -> plane index
static const int SWS_FLAGS = SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT | SWS_FULL_CHR_H_INP;

struct ccodecs_video {
    AVFormatContext *ic, *oc;
    AVCodecContext *dec, *enc;
    int video_index;      // in the input
    AVStream *video_out;
    int *copy_map;        // input stream index -> output stream index of a copied stream, or -1
    AVPacket *packet;
    AVFrame *decoded, *encoded;
    int width, height;

    // Decoded frames -> rgb_in, rebuilt when the decoded frames change shape, format or colours.
    struct SwsContext *to_rgb;
    AVFrame *rgb_in;
    int to_rgb_width, to_rgb_height, to_rgb_format;
    enum AVColorSpace to_rgb_space;
    enum AVColorRange to_rgb_range;
    // rgb_out -> encoder format.
    AVFrame *rgb_out;
    struct SwsContext *to_encoder;

    int64_t frame_step;   // one nominal frame, in the input stream's time base
    int64_t frame_pts;    // timestamp of the frame last returned
    int any_written;
    int64_t frames_returned, frames_written;
    int64_t last_written_pts;
    int input_done, decoder_done, finished;
    int64_t skipped_packets;
    int64_t last_packet_pts;  // of the video packet last sent to the decoder
    double lost_seconds[MAX_LOST_TIMES];  // input times of the first packets the decoder rejected
    int lost_time_count;
    int64_t missing_at_end;   // packets the container announced but the input did not deliver
    int64_t packets_read;     // video packets read, less those the container marks as discarded (edit lists)
    int consecutive_errors;   // decoder errors since the last frame or packet
    int warning_count;
    char warnings[MAX_WARNINGS][WARNING_LENGTH];

    // A time segment (ccodecs_video_segment): video packets reach the decoder from the first key
    // frame at or after decode_from; copied packets are kept when their time is in [copy_from, copy_until).
    int segmented;
    int decoding;         // the decoder has been given its first packet
    int64_t decode_from, copy_from, copy_until;  // video stream time base
};

static void add_warning(ccodecs_video *v, const char *line) {
    if (v->warning_count < MAX_WARNINGS) snprintf(v->warnings[v->warning_count++], WARNING_LENGTH, "%s", line);
}

// A packet the decoder rejected: counted, and its time kept (the first few) for the report.
static void note_lost_packet(ccodecs_video *v, int64_t pts) {
    v->skipped_packets++;
    if (pts != AV_NOPTS_VALUE && v->lost_time_count < MAX_LOST_TIMES) {
        AVStream *stream = v->ic->streams[v->video_index];
        int64_t start = stream->start_time == AV_NOPTS_VALUE ? 0 : stream->start_time;
        v->lost_seconds[v->lost_time_count++] = (double)(pts - start) * av_q2d(stream->time_base);
    }
}

static int alloc_frame(AVFrame **frame, enum AVPixelFormat format, int width, int height) {
    av_frame_free(frame);
    if (!(*frame = av_frame_alloc())) return AVERROR(ENOMEM);
    (*frame)->format = format;
    (*frame)->width = width;
    (*frame)->height = height;
    return av_frame_get_buffer(*frame, 0);
}

static enum AVPixelFormat planar_rgb_for(enum AVPixelFormat format) {
    return ff_is_yuv(format) || ff_depth(format) > 8 ? AV_PIX_FMT_GBRP16 : AV_PIX_FMT_GBRP;
}

static void planes_to_float(const AVFrame *f, float *rgb) {
    int deep = f->format == AV_PIX_FMT_GBRP16;
    const float scale = deep ? 1.0f / 65535 : 1.0f / 255;
    for (int c = 0; c < 3; c++) {
        for (int y = 0; y < f->height; y++) {
            const uint8_t *row = f->data[RGB_PLANE[c]] + (ptrdiff_t)y * f->linesize[RGB_PLANE[c]];
            float *dst = rgb + ((size_t)c * f->height + y) * f->width;
            if (deep) for (int x = 0; x < f->width; x++) dst[x] = ((const uint16_t *)row)[x] * scale;
            else for (int x = 0; x < f->width; x++) dst[x] = row[x] * scale;
        }
    }
}

static void float_to_planes(const float *rgb, AVFrame *f) {
    int deep = f->format == AV_PIX_FMT_GBRP16;
    const float top = deep ? 65535 : 255;
    for (int c = 0; c < 3; c++) {
        for (int y = 0; y < f->height; y++) {
            const float *src = rgb + ((size_t)c * f->height + y) * f->width;
            uint8_t *row = f->data[RGB_PLANE[c]] + (ptrdiff_t)y * f->linesize[RGB_PLANE[c]];
            for (int x = 0; x < f->width; x++) {
                float s = src[x];
                s = s > 0 ? (s < 1 ? s : 1) : 0;  // also maps NaN to 0
                unsigned level = (unsigned)(s * top + 0.5f);
                if (deep) ((uint16_t *)row)[x] = (uint16_t)level;
                else row[x] = (uint8_t)level;
            }
        }
    }
}

// avformat_query_codec answers "unknown" for formats without codec lists (raw streams): those hold
// only their default codec of each kind.
static int can_hold(const AVOutputFormat *format, enum AVCodecID codec, enum AVMediaType type) {
    int answer = avformat_query_codec(format, codec, FF_COMPLIANCE_NORMAL);
    if (answer >= 0) return answer;
    enum AVCodecID native = type == AVMEDIA_TYPE_AUDIO ? format->audio_codec
                          : type == AVMEDIA_TYPE_VIDEO ? format->video_codec
                          : type == AVMEDIA_TYPE_SUBTITLE ? format->subtitle_codec : AV_CODEC_ID_NONE;
    return native == codec || (type != AVMEDIA_TYPE_SUBTITLE && native != AV_CODEC_ID_NONE);
}

static int open_decoder(ccodecs_video *v, const AVCodec *codec, char *err, size_t errlen) {
    AVStream *st = v->ic->streams[v->video_index];
    v->dec = avcodec_alloc_context3(codec);
    if (!v->dec) return ff_set_message(err, errlen, "out of memory"), INPUT;
    int ret = avcodec_parameters_to_context(v->dec, st->codecpar);
    if (ret >= 0) {
        v->dec->pkt_timebase = st->time_base;
        v->dec->thread_count = 0;  // one per core
        v->dec->thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE;
        ret = avcodec_open2(v->dec, codec, NULL);
    }
    if (ret < 0) return ff_set_error(err, errlen, "cannot open the video decoder", ret), INPUT;
    return 0;
}

// The demuxer's pixel format; NONE (not known before decoding) is taken as ordinary 8-bit YUV.
static int input_is_yuv(enum AVPixelFormat format) { return format == AV_PIX_FMT_NONE || ff_is_yuv(format); }

// x264 and x265 would print a bad preset to stderr themselves and fail with a bare EINVAL.
static int check_x26x_settings(const char *name, int crf, const char *preset, char *err, size_t errlen) {
    static const char *const presets[] = {"ultrafast", "superfast", "veryfast", "faster", "fast",
                                          "medium", "slow", "slower", "veryslow", "placebo"};
    if (crf < 0 || crf > 51) return ff_set_message(err, errlen, "crf %d is outside 0...51", crf), -1;
    for (size_t i = 0; i < sizeof presets / sizeof *presets; i++)
        if (strcmp(preset, presets[i]) == 0) return 0;
    return ff_set_message(err, errlen, "unknown %s preset \"%s\" (ultrafast ... medium ... placebo)", name, preset), -1;
}

static int encoder_supports(const AVCodec *codec, enum AVPixelFormat format) {
    if (!codec->pix_fmts) return 1;
    for (const enum AVPixelFormat *f = codec->pix_fmts; *f != AV_PIX_FMT_NONE; f++)
        if (*f == format) return 1;
    return 0;
}

// The lossy codecs' YUV layout: 4:2:0 for players, 4:4:4 where a side is odd (4:2:0 cannot hold it);
// 10 bits where the input has more than 8 and the encoder can, so HDR and log footage keep their steps.
static enum AVPixelFormat lossy_format(ccodecs_video *v, const AVCodec *codec, int deep) {
    int odd = v->width % 2 || v->height % 2;
    enum AVPixelFormat eight = odd ? AV_PIX_FMT_YUV444P : AV_PIX_FMT_YUV420P;
    enum AVPixelFormat ten = odd ? AV_PIX_FMT_YUV444P10 : AV_PIX_FMT_YUV420P10;
    if (!deep) return eight;
    if (encoder_supports(codec, ten)) return ten;
    char line[WARNING_LENGTH];
    snprintf(line, sizeof line, "this FFmpeg's %s has no 10-bit mode: the %d-bit input is written as 8-bit",
             codec->name, ff_depth(v->ic->streams[v->video_index]->codecpar->format));
    add_warning(v, line);
    return eight;
}

static int open_encoder(ccodecs_video *v, int codec_choice, int crf, const char *preset, AVRational rate,
                        char *err, size_t errlen) {
    AVStream *st = v->ic->streams[v->video_index];
    const AVCodecParameters *in = st->codecpar;
    enum AVPixelFormat in_format = in->format;
    int deep = in_format != AV_PIX_FMT_NONE && ff_depth(in_format) > 8;
    // Automatic: HEVC Main 10 for deep inputs (what HDR players expect), else H.264 for the widest reach.
    if (codec_choice == CCODECS_VIDEO_AUTO) codec_choice = deep ? CCODECS_VIDEO_H265 : CCODECS_VIDEO_H264;
    int lossy = codec_choice != CCODECS_VIDEO_FFV1;
    const char *name = codec_choice == CCODECS_VIDEO_H264 ? "libx264" : codec_choice == CCODECS_VIDEO_H265 ? "libx265" : "ffv1";
    const AVCodec *codec = avcodec_find_encoder_by_name(name);
    if (!codec) return ff_set_message(err, errlen, "this FFmpeg has no %s encoder", name), OUTPUT;
    if (!can_hold(v->oc->oformat, codec->id, AVMEDIA_TYPE_VIDEO))
        return ff_set_message(err, errlen, "a %s file cannot hold %s video", v->oc->oformat->name,
                              avcodec_get_name(codec->id)), OUTPUT;
    // Default quality: visually transparent for each codec (x265's scale sits about 5 above x264's).
    if (crf < 0) crf = codec_choice == CCODECS_VIDEO_H265 ? 20 : 18;
    if (lossy && check_x26x_settings(name + 3, crf, preset, err, errlen) < 0) return OUTPUT;

    AVCodecContext *enc = v->enc = avcodec_alloc_context3(codec);
    if (!enc) return ff_set_message(err, errlen, "out of memory"), OUTPUT;
    enc->width = v->width;
    enc->height = v->height;
    enc->time_base = st->time_base;  // frames keep their input timestamps unchanged
    enc->framerate = rate;
    enc->sample_aspect_ratio = av_guess_sample_aspect_ratio(v->ic, st, NULL);
    enc->color_primaries = in->color_primaries;
    enc->color_trc = in->color_trc;
    if (lossy) {
        enc->pix_fmt = lossy_format(v, codec, deep);
        if (input_is_yuv(in_format)) {
            enc->colorspace = in->color_space;
            int yuvj = in_format == AV_PIX_FMT_YUVJ420P || in_format == AV_PIX_FMT_YUVJ422P ||
                       in_format == AV_PIX_FMT_YUVJ444P || in_format == AV_PIX_FMT_YUVJ440P;
            enc->color_range = yuvj ? AVCOL_RANGE_JPEG : in->color_range;
            enc->chroma_sample_location = in->chroma_location;
        }
        av_opt_set(enc->priv_data, "preset", preset, 0);
        av_opt_set_double(enc->priv_data, "crf", crf, 0);
        if (codec_choice == CCODECS_VIDEO_H265) {
            av_opt_set(enc->priv_data, "x265-params", "log-level=none", 0);  // x265 prints to stderr itself
            // Apple's players and browsers want HEVC in MP4/MOV tagged hvc1 (parameter sets in the header).
            if (strstr(v->oc->oformat->name, "mp4") || strstr(v->oc->oformat->name, "mov"))
                enc->codec_tag = MKTAG('h', 'v', 'c', '1');
        }
    } else {
        // FFV1 stores RGB losslessly: bgr0 for 8-bit sources, 16-bit planes for deeper ones.
        enc->pix_fmt = deep ? AV_PIX_FMT_GBRP16 : AV_PIX_FMT_BGR0;
        enc->colorspace = AVCOL_SPC_RGB;
    }
    if (v->oc->oformat->flags & AVFMT_GLOBALHEADER) enc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    enc->thread_count = 0;
    int ret = avcodec_open2(enc, codec, NULL);
    if (ret < 0) {
        char what[64];
        snprintf(what, sizeof what, "cannot open %s", name);
        return ff_set_error(err, errlen, what, ret), OUTPUT;
    }

    // 8-bit RGB outputs get the float rounded once, here; everything else gets 16 bits to round from.
    enum AVPixelFormat rgb = enc->pix_fmt == AV_PIX_FMT_BGR0 ? AV_PIX_FMT_GBRP : AV_PIX_FMT_GBRP16;
    if (alloc_frame(&v->rgb_out, rgb, v->width, v->height) < 0 ||
        alloc_frame(&v->encoded, enc->pix_fmt, v->width, v->height) < 0)
        return ff_set_message(err, errlen, "out of memory"), OUTPUT;
    v->to_encoder = sws_getContext(v->width, v->height, rgb, v->width, v->height, enc->pix_fmt, SWS_FLAGS,
                                   NULL, NULL, NULL);
    if (!v->to_encoder) return ff_set_message(err, errlen, "cannot convert RGB to %s",
                                              av_get_pix_fmt_name(enc->pix_fmt)), OUTPUT;
    ff_set_colors(v->to_encoder, rgb, AVCOL_SPC_RGB, AVCOL_RANGE_JPEG, enc->pix_fmt, enc->colorspace, enc->color_range);
    return 0;
}

static int add_video_stream(ccodecs_video *v, char *err, size_t errlen) {
    AVStream *in = v->ic->streams[v->video_index];
    AVStream *out = v->video_out = avformat_new_stream(v->oc, NULL);
    if (!out) return ff_set_message(err, errlen, "out of memory"), OUTPUT;
    int ret = avcodec_parameters_from_context(out->codecpar, v->enc);
    if (ret < 0) return ff_set_error(err, errlen, "cannot set up the video stream", ret), OUTPUT;
    out->time_base = v->enc->time_base;
    out->avg_frame_rate = in->avg_frame_rate;
    out->r_frame_rate = in->r_frame_rate;
    out->sample_aspect_ratio = v->enc->sample_aspect_ratio;
    // Stream-level facts that stay true of the denoised pictures: orientation, HDR mastering display
    // and light levels, stereo and spherical layout. (Not Dolby Vision or encoder properties: those
    // describe the input's bitstream.)
    static const enum AVPacketSideDataType kept[] = {
        AV_PKT_DATA_DISPLAYMATRIX, AV_PKT_DATA_MASTERING_DISPLAY_METADATA, AV_PKT_DATA_CONTENT_LIGHT_LEVEL,
        AV_PKT_DATA_STEREO3D, AV_PKT_DATA_SPHERICAL,
    };
    for (size_t k = 0; k < sizeof kept / sizeof *kept; k++) {
        size_t size = 0;
        const uint8_t *data = av_stream_get_side_data(in, kept[k], &size);
        if (!data) continue;
        uint8_t *copy = av_stream_new_side_data(out, kept[k], size);
        if (!copy) return ff_set_message(err, errlen, "out of memory"), OUTPUT;
        memcpy(copy, data, size);
    }
    return 0;
}

static const char *kind_name(enum AVMediaType type) {
    switch (type) {
    case AVMEDIA_TYPE_AUDIO: return "audio";
    case AVMEDIA_TYPE_SUBTITLE: return "subtitle";
    case AVMEDIA_TYPE_DATA: return "data";
    case AVMEDIA_TYPE_ATTACHMENT: return "attachment";
    default: return "video";
    }
}

// Audio, subtitle, data and attachment streams go across untouched (packets, language, title,
// disposition); what the output container cannot hold is left out with a warning naming it. Other
// video streams are left out: only the main one is denoised.
static int add_copied_streams(ccodecs_video *v, ccodecs_video_info *info, char *err, size_t errlen) {
    for (unsigned i = 0; i < v->ic->nb_streams; i++) {
        v->copy_map[i] = -1;
        AVStream *in = v->ic->streams[i];
        enum AVMediaType type = in->codecpar->codec_type;
        if ((int)i == v->video_index) continue;
        if (type == AVMEDIA_TYPE_AUDIO) info->audio_streams++;
        if (type == AVMEDIA_TYPE_SUBTITLE) info->subtitle_streams++;
        char line[WARNING_LENGTH];
        if (type == AVMEDIA_TYPE_VIDEO || type == AVMEDIA_TYPE_UNKNOWN) {
            snprintf(line, sizeof line, "%s stream %u (%s) left out: only the main video is denoised",
                     type == AVMEDIA_TYPE_VIDEO ? "video" : "unknown", i, avcodec_get_name(in->codecpar->codec_id));
            add_warning(v, line);
            continue;
        }
        if (!can_hold(v->oc->oformat, in->codecpar->codec_id, type)) {
            snprintf(line, sizeof line, "%s stream %u (%s) left out: the %s container cannot hold it", kind_name(type), i,
                     avcodec_get_name(in->codecpar->codec_id), v->oc->oformat->name);
            add_warning(v, line);
            continue;
        }
        AVStream *out = avformat_new_stream(v->oc, NULL);
        if (!out) return ff_set_message(err, errlen, "out of memory"), OUTPUT;
        int ret = avcodec_parameters_copy(out->codecpar, in->codecpar);
        if (ret < 0) return ff_set_error(err, errlen, "cannot copy a stream", ret), OUTPUT;
        out->codecpar->codec_tag = 0;  // the input container's tag may mean nothing in the output's
        out->time_base = in->time_base;
        out->disposition = in->disposition;
        av_dict_copy(&out->metadata, in->metadata, 0);  // language, title, attachment file name
        v->copy_map[i] = out->index;
    }
    return 0;
}

static void fill_info(const ccodecs_video *v, AVRational rate, ccodecs_video_info *info) {
    const AVStream *st = v->ic->streams[v->video_index];
    info->width = v->width;
    info->height = v->height;
    info->frame_rate = av_q2d(rate);
    info->duration = st->duration != AV_NOPTS_VALUE ? st->duration * av_q2d(st->time_base)
                   : v->ic->duration != AV_NOPTS_VALUE ? (double)v->ic->duration / AV_TIME_BASE : -1;
    info->frame_count = st->nb_frames > 0 ? st->nb_frames
                      : info->duration >= 0 ? llround(info->duration * info->frame_rate) : -1;
    info->rotation = ff_rotation_degrees(st);
    snprintf(info->encoder, sizeof info->encoder, "%s", v->enc ? v->enc->codec->name : "");
    info->output_bit_depth = v->enc ? ff_depth(v->enc->pix_fmt) : 0;
}

static int open_all(ccodecs_video *v, const char *input, const char *output, int codec, int crf,
                    const char *preset, const ccodecs_video_segment *segment, ccodecs_video_info *info,
                    char *err, size_t errlen) {
    if (segment) {
        v->segmented = 1;
        v->decoding = segment->decode_from == INT64_MIN;  // from the first packet, key frame or not
        v->decode_from = segment->decode_from;
        v->copy_from = segment->copy_from;
        v->copy_until = segment->copy_until;
    }
    if (ff_open_input(input, &v->ic, err, errlen) < 0) return INPUT;
    const AVCodec *decoder = NULL;
    v->video_index = av_find_best_stream(v->ic, AVMEDIA_TYPE_VIDEO, -1, -1, &decoder, 0);
    if (v->video_index == AVERROR_DECODER_NOT_FOUND)
        return ff_set_message(err, errlen, "no decoder for its video"), INPUT;
    if (v->video_index < 0 || (v->ic->streams[v->video_index]->disposition & AV_DISPOSITION_ATTACHED_PIC))
        return ff_set_message(err, errlen, "no video stream"), INPUT;
    AVStream *st = v->ic->streams[v->video_index];
    v->width = st->codecpar->width;
    v->height = st->codecpar->height;
    if (v->width <= 0 || v->height <= 0) return ff_set_message(err, errlen, "video stream has no size"), INPUT;
    int ret = open_decoder(v, decoder, err, errlen);
    if (ret < 0) return ret;

    AVRational rate = ff_frame_rate(st);
    if (rate.num <= 0 || rate.den <= 0) {
        rate = (AVRational){25, 1};
        add_warning(v, "frame rate unknown; assuming 25 fps where one is needed");
    }
    v->frame_step = FFMAX(1, av_rescale_q(1, av_inv_q(rate), st->time_base));
    if (!output) {  // decoding only
        if (!(v->packet = av_packet_alloc()) || !(v->decoded = av_frame_alloc()))
            return ff_set_message(err, errlen, "out of memory"), INPUT;
        fill_info(v, rate, info);
        return 0;
    }

    ret = avformat_alloc_output_context2(&v->oc, NULL, NULL, output);
    if (ret < 0 || !v->oc)
        return ff_set_message(err, errlen, "no known container for this file name extension"), OUTPUT;
    if (!(v->copy_map = av_malloc_array(v->ic->nb_streams, sizeof *v->copy_map)))
        return ff_set_message(err, errlen, "out of memory"), OUTPUT;
    if ((ret = open_encoder(v, codec, crf, preset, rate, err, errlen)) < 0) return ret;
    if ((ret = add_video_stream(v, err, errlen)) < 0) return ret;
    if ((ret = add_copied_streams(v, info, err, errlen)) < 0) return ret;
    av_dict_copy(&v->oc->metadata, v->ic->metadata, 0);  // title, creation time, location
    // A segment keeps the input's timestamps as they are, negative ones included (audio priming): the
    // joined file is then shifted by its muxer exactly as one run's output is.
    if (v->segmented) {
        v->oc->avoid_negative_ts = AVFMT_AVOID_NEG_TS_DISABLED;
        // MP4 and MOV say where a track starts by an edit list in the movie's time scale (1/1000 s by
        // default), which would round a segment's start; a scale every stream's time base divides keeps it.
        int64_t scale = 1;
        for (unsigned i = 0; i < v->oc->nb_streams && scale > 0; i++) {
            int64_t den = v->oc->streams[i]->time_base.den;
            if (den > 0) scale = scale / av_gcd(scale, den) * den;
            if (scale > INT32_MAX) scale = 0;
        }
        if (scale > 0 && av_opt_set_int(v->oc->priv_data, "movie_timescale", scale, 0) < 0) { /* not MP4/MOV */ }
        // Which part of which run this is, for the join; MP4 keeps a free-form key only as an mdta tag.
        av_dict_set(&v->oc->metadata, FF_SEGMENT_TAG_KEY, segment->tag, 0);
        av_opt_set(v->oc->priv_data, "movflags", "+use_metadata_tags", 0);
    }

    if (!(v->oc->oformat->flags & AVFMT_NOFILE) && (ret = avio_open(&v->oc->pb, output, AVIO_FLAG_WRITE)) < 0)
        return ff_set_error(err, errlen, "cannot create", ret), OUTPUT;
    if ((ret = avformat_write_header(v->oc, NULL)) < 0)
        return ff_set_error(err, errlen, "cannot write the header", ret), OUTPUT;

    if (!(v->packet = av_packet_alloc()) || !(v->decoded = av_frame_alloc()))
        return ff_set_message(err, errlen, "out of memory"), INPUT;
    fill_info(v, rate, info);
    return 0;
}

int ccodecs_video_open(const char *input, const char *output, int codec, int crf, const char *preset,
                       const ccodecs_video_segment *segment, ccodecs_video **out, ccodecs_video_info *info,
                       char *err, size_t errlen) {
    *out = NULL;
    memset(info, 0, sizeof *info);
    ccodecs_video *v = av_mallocz(sizeof *v);
    if (!v) return ff_set_message(err, errlen, "out of memory"), INPUT;
    int ret = open_all(v, input, output, codec, crf, preset, segment, info, err, errlen);
    if (ret < 0) {
        ccodecs_video_close(v);
        return ret;
    }
    *out = v;
    return 0;
}

// Whether a copied packet belongs to this run's segment: each packet to exactly one segment, by its time.
static int in_segment(const ccodecs_video *v, const AVPacket *packet) {
    if (!v->segmented) return 1;
    int64_t ts = packet->pts != AV_NOPTS_VALUE ? packet->pts : packet->dts;
    if (ts == AV_NOPTS_VALUE) return v->copy_from == INT64_MIN;  // untimed: the first segment's
    AVRational tb = v->ic->streams[packet->stream_index]->time_base, video_tb = v->ic->streams[v->video_index]->time_base;
    if (v->copy_from != INT64_MIN && av_compare_ts(ts, tb, v->copy_from, video_tb) < 0) return 0;
    if (v->copy_until != INT64_MAX && av_compare_ts(ts, tb, v->copy_until, video_tb) >= 0) return 0;
    return 1;
}

static int copy_packet(ccodecs_video *v, AVPacket *packet, char *err, size_t errlen) {
    int out = v->copy_map ? v->copy_map[packet->stream_index] : -1;  // no map: decoding only
    if (out < 0 || !in_segment(v, packet)) {
        av_packet_unref(packet);
        return 0;
    }
    av_packet_rescale_ts(packet, v->ic->streams[packet->stream_index]->time_base, v->oc->streams[out]->time_base);
    packet->stream_index = out;
    packet->pos = -1;
    int ret = av_interleaved_write_frame(v->oc, packet);  // takes the packet's data
    if (ret < 0) return ff_set_error(err, errlen, "cannot write a copied packet", ret), OUTPUT;
    return 0;
}

// Reads one packet: video goes to the decoder (or nowhere), copied streams to the output.
static int read_packet(ccodecs_video *v, int decode_video, char *err, size_t errlen) {
    int ret = av_read_frame(v->ic, v->packet);
    if (ret == AVERROR(EAGAIN)) return 0;
    if (ret == AVERROR_EOF) {
        v->input_done = 1;
        if (decode_video) avcodec_send_packet(v->dec, NULL);  // start draining
        return 0;
    }
    if (ret < 0) return ff_set_error(err, errlen, "cannot read", ret), INPUT;
    if (v->packet->stream_index != v->video_index) return copy_packet(v, v->packet, err, errlen);
    // A segment's decoding starts at a key frame: the packets before it cannot be decoded on their own.
    if (decode_video && v->segmented && !v->decoding) {
        int64_t pts = v->packet->pts != AV_NOPTS_VALUE ? v->packet->pts : v->packet->dts;
        v->decoding = (v->packet->flags & AV_PKT_FLAG_KEY) && pts != AV_NOPTS_VALUE && pts >= v->decode_from;
    }
    if (decode_video && v->segmented && !v->decoding) decode_video = 0;
    // A damaged packet costs one frame, not the whole run.
    if (decode_video) {
        if (!(v->packet->flags & AV_PKT_FLAG_DISCARD)) v->packets_read++;
        v->consecutive_errors = 0;
        v->last_packet_pts = v->packet->pts != AV_NOPTS_VALUE ? v->packet->pts : v->packet->dts;
        if (avcodec_send_packet(v->dec, v->packet) < 0) note_lost_packet(v, v->last_packet_pts);
    }
    av_packet_unref(v->packet);
    return 0;
}

static int to_float_rgb(ccodecs_video *v, const AVFrame *frame, float *rgb, char *err, size_t errlen) {
    if (!v->to_rgb || frame->width != v->to_rgb_width || frame->height != v->to_rgb_height ||
        frame->format != v->to_rgb_format || frame->colorspace != v->to_rgb_space ||
        frame->color_range != v->to_rgb_range) {
        enum AVPixelFormat rgb_format = planar_rgb_for(frame->format);
        sws_freeContext(v->to_rgb);
        // A mid-stream size change is scaled back to the size the output was opened with.
        v->to_rgb = sws_getContext(frame->width, frame->height, frame->format, v->width, v->height, rgb_format,
                                   SWS_FLAGS, NULL, NULL, NULL);
        if (!v->to_rgb) return ff_set_message(err, errlen, "cannot convert %s frames to RGB",
                                              av_get_pix_fmt_name(frame->format)), INPUT;
        if (alloc_frame(&v->rgb_in, rgb_format, v->width, v->height) < 0)
            return ff_set_message(err, errlen, "out of memory"), INPUT;
        ff_set_colors(v->to_rgb, frame->format, frame->colorspace, frame->color_range, rgb_format,
                      AVCOL_SPC_RGB, AVCOL_RANGE_JPEG);
        v->to_rgb_width = frame->width;
        v->to_rgb_height = frame->height;
        v->to_rgb_format = frame->format;
        v->to_rgb_space = frame->colorspace;
        v->to_rgb_range = frame->color_range;
    }
    sws_scale(v->to_rgb, (const uint8_t *const *)frame->data, frame->linesize, 0, frame->height,
              v->rgb_in->data, v->rgb_in->linesize);
    planes_to_float(v->rgb_in, rgb);
    return 0;
}

// Demuxers report a truncated file as a normal end; the container's packet count tells. Packets are
// compared, not frames: a packet the decoder rejected was delivered (and is counted as damaged), and
// samples an edit list discards are not expected to become frames.
static void count_missing_at_end(ccodecs_video *v) {
    if (v->segmented) return;  // a segment reads only part of the packets
    int64_t expected = v->ic->streams[v->video_index]->nb_frames;
    if (expected > 0 && v->packets_read < expected) v->missing_at_end = expected - v->packets_read;
}

int ccodecs_video_next(ccodecs_video *v, float *rgb, char *err, size_t errlen) {
    while (!v->decoder_done) {
        int ret = avcodec_receive_frame(v->dec, v->decoded);
        if (ret == 0) {
            v->consecutive_errors = 0;
            int64_t pts = v->decoded->best_effort_timestamp;
            if (pts == AV_NOPTS_VALUE) pts = v->frames_returned > 0 ? v->frame_pts + v->frame_step : 0;
            v->frame_pts = pts;
            v->frames_returned++;
            ret = to_float_rgb(v, v->decoded, rgb, err, errlen);
            av_frame_unref(v->decoded);
            return ret < 0 ? ret : 1;
        }
        if (ret == AVERROR_EOF || (ret == AVERROR(EAGAIN) && v->input_done)) {
            v->decoder_done = 1;
            count_missing_at_end(v);
        } else if (ret == AVERROR(EAGAIN)) {
            if ((ret = read_packet(v, 1, err, errlen)) < 0) return ret;
        } else {
            // Frame-threaded decoders report a bad packet here, a few packets after it was sent. An error
            // that repeats without any packet being read is not a damaged packet: give up on it.
            if (++v->consecutive_errors > 64) return ff_set_error(err, errlen, "cannot decode", ret), INPUT;
            note_lost_packet(v, v->last_packet_pts);
        }
    }
    return 0;
}

// Sends frame (NULL flushes) and writes every packet the encoder has ready.
static int encode(ccodecs_video *v, AVFrame *frame, char *err, size_t errlen) {
    int ret = avcodec_send_frame(v->enc, frame);
    if (ret < 0) return ff_set_error(err, errlen, "cannot encode", ret), OUTPUT;
    while ((ret = avcodec_receive_packet(v->enc, v->packet)) >= 0) {
        av_packet_rescale_ts(v->packet, v->enc->time_base, v->video_out->time_base);
        v->packet->stream_index = v->video_out->index;
        if ((ret = av_interleaved_write_frame(v->oc, v->packet)) < 0)
            return ff_set_error(err, errlen, "cannot write video", ret), OUTPUT;
    }
    if (ret != AVERROR(EAGAIN) && ret != AVERROR_EOF) return ff_set_error(err, errlen, "cannot encode", ret), OUTPUT;
    return 0;
}

int ccodecs_video_write(ccodecs_video *v, const float *rgb, int64_t frame_pts, char *err, size_t errlen) {
    if (!v->oc) return ff_set_message(err, errlen, "opened for decoding only"), OUTPUT;
    // A temporal model writes frame i after reading i + radius: writes may lag reads, never lead them.
    if (v->frames_written >= v->frames_returned)
        return ff_set_message(err, errlen, "write without a new frame from the decoder"), OUTPUT;
    v->frames_written++;
    float_to_planes(rgb, v->rgb_out);
    int ret = av_frame_make_writable(v->encoded);  // the encoder may still hold the last one
    if (ret < 0) return ff_set_error(err, errlen, "cannot encode", ret), OUTPUT;
    sws_scale(v->to_encoder, (const uint8_t *const *)v->rgb_out->data, v->rgb_out->linesize, 0, v->height,
              v->encoded->data, v->encoded->linesize);
    // Encoders refuse repeated or backward timestamps, which damaged inputs can carry.
    int64_t pts = frame_pts;
    if (v->any_written && pts <= v->last_written_pts) pts = v->last_written_pts + 1;
    v->encoded->pts = v->last_written_pts = pts;
    v->any_written = 1;
    return encode(v, v->encoded, err, errlen);
}

int ccodecs_video_finish(ccodecs_video *v, char *err, size_t errlen) {
    if (v->finished) return 0;
    if (!v->oc) return ff_set_message(err, errlen, "opened for decoding only"), OUTPUT;
    int ret;
    while (!v->input_done)
        if ((ret = read_packet(v, 0, err, errlen)) < 0) return ret;
    if ((ret = encode(v, NULL, err, errlen)) < 0) return ret;
    if ((ret = av_write_trailer(v->oc)) < 0) return ff_set_error(err, errlen, "cannot finish the file", ret), OUTPUT;
    if (!(v->oc->oformat->flags & AVFMT_NOFILE) && (ret = avio_closep(&v->oc->pb)) < 0)
        return ff_set_error(err, errlen, "cannot close", ret), OUTPUT;
    v->finished = 1;
    return 0;
}

int64_t ccodecs_video_skipped_packets(const ccodecs_video *v) { return v->skipped_packets; }
int64_t ccodecs_video_missing_frames(const ccodecs_video *v) { return v->missing_at_end; }
int64_t ccodecs_video_frames_decoded(const ccodecs_video *v) { return v->frames_returned; }
int64_t ccodecs_video_frame_pts(const ccodecs_video *v) { return v->frame_pts; }
int ccodecs_video_lost_time_count(const ccodecs_video *v) { return v->lost_time_count; }
double ccodecs_video_lost_time(const ccodecs_video *v, int index) {
    return index >= 0 && index < v->lost_time_count ? v->lost_seconds[index] : 0;
}

int ccodecs_video_warning_count(const ccodecs_video *v) { return v->warning_count; }

const char *ccodecs_video_warning(const ccodecs_video *v, int index) {
    return index >= 0 && index < v->warning_count ? v->warnings[index] : "";
}

void ccodecs_video_close(ccodecs_video *v) {
    if (!v) return;
    if (v->oc) {
        if (!(v->oc->oformat->flags & AVFMT_NOFILE)) avio_closep(&v->oc->pb);  // a partial file, for the caller to delete
        avformat_free_context(v->oc);
    }
    avformat_close_input(&v->ic);
    avcodec_free_context(&v->dec);
    avcodec_free_context(&v->enc);
    sws_freeContext(v->to_rgb);
    sws_freeContext(v->to_encoder);
    av_frame_free(&v->decoded);
    av_frame_free(&v->rgb_in);
    av_frame_free(&v->rgb_out);
    av_frame_free(&v->encoded);
    av_packet_free(&v->packet);
    av_free(v->copy_map);
    av_free(v);
}
