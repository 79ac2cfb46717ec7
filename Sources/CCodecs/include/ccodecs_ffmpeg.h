// FFmpeg side of the codec layer, in plain C types only (FFmpeg's macros and structs do not import
// into Swift). Every function that can fail returns a negative status and writes one short line,
// without the file name, into err; the status says which file the line is about.
#pragma once
#include <stddef.h>
#include <stdint.h>

enum { CCODECS_FAIL_INPUT = -1, CCODECS_FAIL_OUTPUT = -2 };

// ---- Still images (JPEG, TIFF, BMP, ...: whatever FFmpeg's image demuxers read) ----

typedef struct ccodecs_still ccodecs_still;

typedef struct {
    int width, height;
    int channels;   // 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA
    int bit_depth;  // 8 or 16
} ccodecs_still_info;

// Decodes the first frame; refuses width*height > max_pixels before any frame buffer is allocated.
int ccodecs_still_open(const char *path, int64_t max_pixels, ccodecs_still **out,
                       ccodecs_still_info *info, char *err, size_t errlen);
// Converts the frame into samples: width*height*channels values, interleaved, row-major.
int ccodecs_still_read(ccodecs_still *still, uint16_t *samples, char *err, size_t errlen);
void ccodecs_still_close(ccodecs_still *still);

// ---- Video transcoding: decode frames as planar float RGB, encode replacements ----

typedef struct ccodecs_video ccodecs_video;

// AUTO: H.265 (10-bit) for inputs deeper than 8 bits, else H.264.
enum { CCODECS_VIDEO_H264 = 0, CCODECS_VIDEO_FFV1 = 1, CCODECS_VIDEO_H265 = 2, CCODECS_VIDEO_AUTO = 3 };

typedef struct {
    int width, height;
    double frame_rate;
    int64_t frame_count;     // -1 when unknown
    double duration;         // seconds; -1 when unknown
    double rotation;         // clockwise degrees for display, 0..<360
    int audio_streams;       // in the input
    int subtitle_streams;    // in the input
    char encoder[16];        // the output's video encoder (libx264, libx265, ffv1)
    int output_bit_depth;    // bits per sample of the encoded pictures
} ccodecs_video_info;

// One time segment of the input (denoise-video --segment): video packets go to the decoder from the first
// key frame whose timestamp is at least decode_from (INT64_MIN: from the first packet); audio, subtitle and
// data packets are copied when their time lies in [copy_from, copy_until) (INT64_MIN / INT64_MAX:
// unbounded); timestamps are written as they are, without the shift that makes them non-negative. Times
// in the video stream's time base. tag is stored as the file's "denoise_segment" metadata, for the join.
typedef struct {
    int64_t decode_from, copy_from, copy_until;
    const char *tag;
} ccodecs_video_segment;

// crf < 0: the codec's default (18 for H.264, 20 for H.265). output NULL: decoding only (no write or
// finish; info's encoder is ""). segment NULL: the whole input.
int ccodecs_video_open(const char *input, const char *output, int codec, int crf, const char *preset,
                       const ccodecs_video_segment *segment, ccodecs_video **out, ccodecs_video_info *info,
                       char *err, size_t errlen);
// Fills rgb (3 planes R, G, B of width*height floats in [0,1]); returns 1 for a frame, 0 at the end.
int ccodecs_video_next(ccodecs_video *video, float *rgb, char *err, size_t errlen);
// Timestamp (stream time base) of the frame the last ccodecs_video_next returned.
int64_t ccodecs_video_frame_pts(const ccodecs_video *video);
// Encodes rgb (same layout) with the timestamp frame_pts (a value ccodecs_video_frame_pts gave): frames are
// written in decoding order, at most as many as were decoded (a temporal model's writes lag its reads).
int ccodecs_video_write(ccodecs_video *video, const float *rgb, int64_t frame_pts, char *err, size_t errlen);
// Copies the remaining packets of the copied streams, flushes the encoder and writes the trailer.
int ccodecs_video_finish(ccodecs_video *video, char *err, size_t errlen);
int64_t ccodecs_video_skipped_packets(const ccodecs_video *video);
// Video packets the container announced that the input ended before delivering (a truncated file),
// known once ccodecs_video_next has returned 0.
int64_t ccodecs_video_missing_frames(const ccodecs_video *video);
int64_t ccodecs_video_frames_decoded(const ccodecs_video *video);
// Input times (seconds from the stream's start) of the first rejected packets, at most 8; with a
// frame-threaded decoder an error can surface a few packets late, so they are approximate.
int ccodecs_video_lost_time_count(const ccodecs_video *video);
double ccodecs_video_lost_time(const ccodecs_video *video, int index);
int ccodecs_video_warning_count(const ccodecs_video *video);
const char *ccodecs_video_warning(const ccodecs_video *video, int index);
void ccodecs_video_close(ccodecs_video *video);

// ---- Probing: stream parameters and packet timestamps, without decoding ----

typedef struct ccodecs_probe ccodecs_probe;

typedef struct {
    int has_video;
    int width, height;
    double frame_rate;
    char codec[32];
    char pixel_format[32];
    double rotation;           // clockwise degrees for display, 0..<360
    char primaries[32], transfer[32], matrix[32], range[32];  // FFmpeg's names; "unspecified" when untagged
    int64_t packet_count;      // video packets with a timestamp
    int time_base_num, time_base_den;  // of the video stream's timestamps
    int audio_count;
    int other_count;           // streams neither the main video nor audio
} ccodecs_probe_info;

typedef struct {
    char codec[32];
    int sample_rate;
    int channels;
    int64_t packet_count;
    int64_t payload_bytes;
    uint64_t payload_digest;   // FNV-1a over every packet's bytes in order: equal for copied streams
} ccodecs_probe_audio;

typedef struct {
    int64_t pts;               // video stream time base
    int key;                   // the container marks the packet as a key frame
} ccodecs_probe_frame;

int ccodecs_probe_open(const char *path, ccodecs_probe **out, ccodecs_probe_info *info,
                       char *err, size_t errlen);
// Copies the video packets' timestamps and key-frame flags, sorted by timestamp (presentation order).
void ccodecs_probe_video_frames(const ccodecs_probe *probe, ccodecs_probe_frame *frames);
void ccodecs_probe_audio_stream(const ccodecs_probe *probe, int index, ccodecs_probe_audio *out);

typedef struct {
    char kind[16];       // "subtitle", "data", "attachment", "video"
    char codec[32];
    char language[16];   // "" without a language tag
    int64_t packet_count;
} ccodecs_probe_other;

void ccodecs_probe_other_stream(const ccodecs_probe *probe, int index, ccodecs_probe_other *out);
void ccodecs_probe_close(ccodecs_probe *probe);

// ---- Joining time segments (denoise-video --segment) into one file, by stream copy ----

// Copies every packet of inputs[0], inputs[1], ... (in this order: each must start after the previous
// ends) into output, whose container comes from its extension; streams, their metadata and the file's
// (less "denoise_segment") from inputs[0]; the others must hold the same streams with the same codec
// parameters, or none at all (an empty segment). On failure
// *failed is the index of the input the line is about, or -1 for the output.
int ccodecs_video_join(const char *const *inputs, int count, const char *output, int *failed,
                       char *err, size_t errlen);
// Copies a part's "denoise_segment" metadata into tag ("" for other files), reading only the file's header.
int ccodecs_video_segment_tag(const char *path, char *tag, size_t taglen, char *err, size_t errlen);
