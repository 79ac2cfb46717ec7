// Shared FFmpeg helpers: error lines, input checks, colour setup, rotation.
#include "ff_common.h"
#include <errno.h>
#include <pthread.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <libavutil/display.h>
#include <libavutil/pixdesc.h>

static void set_log_level(void) { av_log_set_level(AV_LOG_FATAL); }

void ff_quiet_log(void) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, set_log_level);
}

void ff_set_message(char *err, size_t errlen, const char *fmt, ...) {
    if (!err || errlen == 0) return;
    va_list args;
    va_start(args, fmt);
    vsnprintf(err, errlen, fmt, args);
    va_end(args);
}

void ff_set_error(char *err, size_t errlen, const char *what, int code) {
    char reason[AV_ERROR_MAX_STRING_SIZE];
    av_strerror(code, reason, sizeof reason);
    ff_set_message(err, errlen, "%s: %s", what, reason);
}

int ff_check_input_file(const char *path, char *err, size_t errlen) {
    struct stat info;
    if (stat(path, &info) != 0) {
        ff_set_message(err, errlen, "%s", errno == ENOENT ? "no such file" : strerror(errno));
        return -1;
    }
    if (S_ISDIR(info.st_mode)) {
        ff_set_message(err, errlen, "is a directory");
        return -1;
    }
    if (S_ISREG(info.st_mode) && info.st_size == 0) {
        ff_set_message(err, errlen, "empty file");
        return -1;
    }
    return 0;
}

int ff_open_input(const char *path, AVFormatContext **ic, char *err, size_t errlen) {
    ff_quiet_log();
    if (ff_check_input_file(path, err, errlen) < 0) return -1;
    int ret = avformat_open_input(ic, path, NULL, NULL);
    if (ret < 0) {
        ff_set_error(err, errlen, "cannot open", ret);
        return ret;
    }
    ret = avformat_find_stream_info(*ic, NULL);
    if (ret < 0) {
        ff_set_error(err, errlen, "cannot read stream parameters", ret);
        avformat_close_input(ic);
        return ret;
    }
    return 0;
}

int ff_is_yuv(enum AVPixelFormat fmt) {
    const AVPixFmtDescriptor *desc = av_pix_fmt_desc_get(fmt);
    if (!desc) return 0;
    int colors = desc->nb_components - ((desc->flags & AV_PIX_FMT_FLAG_ALPHA) ? 1 : 0);
    return colors >= 3 && !(desc->flags & (AV_PIX_FMT_FLAG_RGB | AV_PIX_FMT_FLAG_PAL));
}

int ff_depth(enum AVPixelFormat fmt) {
    const AVPixFmtDescriptor *desc = av_pix_fmt_desc_get(fmt);
    return desc ? desc->comp[0].depth : 8;
}

static int is_full_range(enum AVPixelFormat fmt, enum AVColorRange range) {
    // The deprecated yuvj formats mean full range whatever the tag says.
    return range == AVCOL_RANGE_JPEG || fmt == AV_PIX_FMT_YUVJ420P || fmt == AV_PIX_FMT_YUVJ422P ||
           fmt == AV_PIX_FMT_YUVJ444P || fmt == AV_PIX_FMT_YUVJ440P || fmt == AV_PIX_FMT_YUVJ411P;
}

void ff_set_colors(struct SwsContext *sws, enum AVPixelFormat src, enum AVColorSpace src_space,
                   enum AVColorRange src_range, enum AVPixelFormat dst, enum AVColorSpace dst_space,
                   enum AVColorRange dst_range) {
    int *inv_table, *table, src_full, dst_full, brightness, contrast, saturation;
    if (sws_getColorspaceDetails(sws, &inv_table, &src_full, &table, &dst_full,
                                 &brightness, &contrast, &saturation) < 0) return;
    // sws_getCoefficients maps AVColorSpace values directly; unspecified falls back to BT.601.
    if (ff_is_yuv(src)) {
        inv_table = (int *)sws_getCoefficients(src_space);
        src_full = is_full_range(src, src_range);
    }
    if (ff_is_yuv(dst)) {
        table = (int *)sws_getCoefficients(dst_space);
        dst_full = is_full_range(dst, dst_range);
    }
    sws_setColorspaceDetails(sws, inv_table, src_full, table, dst_full, brightness, contrast, saturation);
}

AVRational ff_frame_rate(const AVStream *st) {
    if (st->avg_frame_rate.num > 0 && st->avg_frame_rate.den > 0) return st->avg_frame_rate;
    if (st->r_frame_rate.num > 0 && st->r_frame_rate.den > 0) return st->r_frame_rate;
    return (AVRational){0, 1};
}

double ff_rotation_degrees(const AVStream *st) {
    const int32_t *matrix = (const int32_t *)av_stream_get_side_data(st, AV_PKT_DATA_DISPLAYMATRIX, NULL);
    if (!matrix) return 0;
    // The matrix stores a counter-clockwise angle; players turn the picture the other way.
    double degrees = fmod(-av_display_rotation_get(matrix), 360);
    if (isnan(degrees)) return 0;
    if (degrees < 0) degrees += 360;
    return degrees == 0 ? 0 : degrees;  // no "-0"
}
