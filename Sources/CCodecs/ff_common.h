// Helpers shared by the FFmpeg C files (private to CCodecs; Swift never sees FFmpeg types).
#pragma once
#include <stddef.h>
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libswscale/swscale.h>

// Silences FFmpeg's own log (x264 statistics, demuxer and per-packet decoder complaints): callers
// report every problem themselves as one line naming the file. Process-wide; cheap after the first call.
void ff_quiet_log(void);
// Writes "what: FFmpeg's reason for code" into err (one line).
void ff_set_error(char *err, size_t errlen, const char *what, int code);
// Writes a formatted line into err.
void ff_set_message(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
// Fails with a clear line for a missing, empty or non-regular file before FFmpeg probes it.
int ff_check_input_file(const char *path, char *err, size_t errlen);
// The file metadata key where a denoise-video --segment part records which part of which run it is.
#define FF_SEGMENT_TAG_KEY "denoise_segment"

// Opens path and reads its stream parameters.
int ff_open_input(const char *path, AVFormatContext **ic, char *err, size_t errlen);

// True for YUV formats (not RGB, gray or palette): the ones that need a colour matrix and a range.
int ff_is_yuv(enum AVPixelFormat fmt);
// Bits per sample of the first component.
int ff_depth(enum AVPixelFormat fmt);
// Gives a YUV side of a swscale conversion the given matrix and range (unspecified -> BT.601, limited).
void ff_set_colors(struct SwsContext *sws, enum AVPixelFormat src, enum AVColorSpace src_space,
                   enum AVColorRange src_range, enum AVPixelFormat dst, enum AVColorSpace dst_space,
                   enum AVColorRange dst_range);
// The stream's average frame rate, else its base rate r_frame_rate; 0/1 when it has neither.
AVRational ff_frame_rate(const AVStream *st);
// Clockwise rotation (degrees, 0..<360) a player applies for this display matrix; 0 without one.
double ff_rotation_degrees(const AVStream *st);
