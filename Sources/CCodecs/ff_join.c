// Joins the time segments of a video (denoise-video --segment K/N) into one file by stream copy: every
// packet keeps its timestamps, so the joined file holds what one run over the whole input would write.
#include "ccodecs_ffmpeg.h"
#include "ff_common.h"
#include <string.h>

enum { OUTPUT = CCODECS_FAIL_OUTPUT };

typedef struct {
    AVFormatContext *oc;
    int64_t *last_dts;     // (streams) last written decoding time per output stream
    int64_t *segment_end;  // (streams) largest presentation time written by the segments so far
    int64_t *segment_max;  // (streams) largest presentation time in the segment being copied
} joiner;

// Stream-level facts travel with the stream: orientation, HDR metadata, stereo and spherical layout.
static int copy_side_data(const AVStream *in, AVStream *out) {
    for (int i = 0; i < in->nb_side_data; i++) {
        const AVPacketSideData *sd = &in->side_data[i];
        uint8_t *copy = av_stream_new_side_data(out, sd->type, sd->size);
        if (!copy) return AVERROR(ENOMEM);
        memcpy(copy, sd->data, sd->size);
    }
    return 0;
}

static int add_streams(joiner *j, AVFormatContext *first, char *err, size_t errlen) {
    // Demuxer names list their family ("mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm").
    int same_container = strstr(first->iformat->name, j->oc->oformat->name) != NULL;
    for (unsigned i = 0; i < first->nb_streams; i++) {
        AVStream *in = first->streams[i], *out = avformat_new_stream(j->oc, NULL);
        if (!out) return ff_set_message(err, errlen, "out of memory"), OUTPUT;
        int ret = avcodec_parameters_copy(out->codecpar, in->codecpar);
        if (ret < 0 || (ret = copy_side_data(in, out)) < 0)
            return ff_set_error(err, errlen, "cannot copy a stream", ret), OUTPUT;
        // A tag (hvc1 for HEVC in MP4) means something only in the container family it came from.
        if (!same_container) out->codecpar->codec_tag = 0;
        out->time_base = in->time_base;
        out->avg_frame_rate = in->avg_frame_rate;
        out->r_frame_rate = in->r_frame_rate;
        out->sample_aspect_ratio = in->sample_aspect_ratio;
        out->disposition = in->disposition;
        av_dict_copy(&out->metadata, in->metadata, 0);
    }
    av_dict_copy(&j->oc->metadata, first->metadata, 0);
    av_dict_set(&j->oc->metadata, FF_SEGMENT_TAG_KEY, NULL, 0);  // the joined file is not a part
    return 0;
}

// Segments of one run hold the same streams, each with the same codec and parameters (extradata included:
// decoders read one set of parameters for the whole stream).
static int check_matches(const AVFormatContext *first, const AVFormatContext *ic, char *err, size_t errlen) {
    if (ic->nb_streams != first->nb_streams)
        return ff_set_message(err, errlen, "has %u streams where the first segment has %u (MP4 leaves out a track with "
                              "no packets in a segment, e.g. silent subtitles: use .mkv parts)",
                              ic->nb_streams, first->nb_streams), -1;
    for (unsigned i = 0; i < ic->nb_streams; i++) {
        const AVCodecParameters *a = first->streams[i]->codecpar, *b = ic->streams[i]->codecpar;
        int same = a->codec_type == b->codec_type && a->codec_id == b->codec_id && a->width == b->width &&
                   a->height == b->height && a->format == b->format && a->sample_rate == b->sample_rate &&
                   a->extradata_size == b->extradata_size &&
                   (a->extradata_size == 0 || memcmp(a->extradata, b->extradata, a->extradata_size) == 0);
        if (!same)
            return ff_set_message(err, errlen, "stream %u (%s) differs from the first segment's: segments must come from "
                                  "one run with the same options", i, avcodec_get_name(b->codec_id)), -1;
    }
    return 0;
}

static int copy_segment(joiner *j, AVFormatContext *ic, char *err, size_t errlen) {
    AVPacket *packet = av_packet_alloc();
    if (!packet) return ff_set_message(err, errlen, "out of memory"), OUTPUT;
    for (unsigned s = 0; s < ic->nb_streams; s++) j->segment_max[s] = INT64_MIN;
    int ret;
    while ((ret = av_read_frame(ic, packet)) >= 0) {
        int s = packet->stream_index;
        AVStream *out = j->oc->streams[s];
        av_packet_rescale_ts(packet, ic->streams[s]->time_base, out->time_base);
        int64_t pts = packet->pts != AV_NOPTS_VALUE ? packet->pts : packet->dts;
        if (pts != AV_NOPTS_VALUE && j->segment_end[s] != INT64_MIN && pts <= j->segment_end[s] &&
            out->codecpar->codec_type == AVMEDIA_TYPE_VIDEO) {
            av_packet_free(&packet);
            return ff_set_message(err, errlen, "overlaps the previous segment in time: each frame must come from "
                                  "one segment"), -1;
        }
        if (pts != AV_NOPTS_VALUE && pts > j->segment_max[s]) j->segment_max[s] = pts;
        // Each segment's encoder starts its decoding times anew; with equal settings they continue the
        // previous segment's, and a rare tie moves up by one tick (never past the presentation time).
        // Subtitles and data may repeat a time (two events at once): they pass as they are.
        enum AVMediaType type = out->codecpar->codec_type;
        if ((type == AVMEDIA_TYPE_VIDEO || type == AVMEDIA_TYPE_AUDIO) && packet->dts != AV_NOPTS_VALUE &&
            j->last_dts[s] != INT64_MIN && packet->dts <= j->last_dts[s]) {
            packet->dts = j->last_dts[s] + 1;
            if (packet->pts != AV_NOPTS_VALUE && packet->dts > packet->pts) {
                av_packet_free(&packet);
                return ff_set_message(err, errlen, "its decoding times run into the previous segment's "
                                      "(encoded with other settings?)"), -1;
            }
        }
        if (packet->dts != AV_NOPTS_VALUE) j->last_dts[s] = packet->dts;
        packet->pos = -1;
        if ((ret = av_interleaved_write_frame(j->oc, packet)) < 0) {
            av_packet_free(&packet);
            return ff_set_error(err, errlen, "cannot write a packet", ret), OUTPUT;
        }
    }
    av_packet_free(&packet);
    if (ret != AVERROR_EOF) return ff_set_error(err, errlen, "cannot read", ret), -1;
    for (unsigned s = 0; s < ic->nb_streams; s++)
        if (j->segment_max[s] > j->segment_end[s]) j->segment_end[s] = j->segment_max[s];
    return 0;
}

static int join(joiner *j, const char *const *inputs, int count, const char *output, int *failed,
                char *err, size_t errlen) {
    AVFormatContext *first = NULL;
    *failed = 0;
    if (ff_open_input(inputs[0], &first, err, errlen) < 0) return -1;
    *failed = -1;
    int ret = avformat_alloc_output_context2(&j->oc, NULL, NULL, output);
    if (ret < 0 || !j->oc) {
        avformat_close_input(&first);
        return ff_set_message(err, errlen, "no known container for this file name extension"), OUTPUT;
    }
    j->last_dts = av_malloc_array(first->nb_streams, sizeof *j->last_dts);
    j->segment_end = av_malloc_array(first->nb_streams, sizeof *j->segment_end);
    j->segment_max = av_malloc_array(first->nb_streams, sizeof *j->segment_max);
    if (!j->last_dts || !j->segment_end || !j->segment_max) {
        avformat_close_input(&first);
        return ff_set_message(err, errlen, "out of memory"), OUTPUT;
    }
    for (unsigned s = 0; s < first->nb_streams; s++) j->last_dts[s] = j->segment_end[s] = INT64_MIN;
    if ((ret = add_streams(j, first, err, errlen)) < 0) {
        avformat_close_input(&first);
        return ret;
    }
    if (!(j->oc->oformat->flags & AVFMT_NOFILE) && (ret = avio_open(&j->oc->pb, output, AVIO_FLAG_WRITE)) < 0) {
        avformat_close_input(&first);
        return ff_set_error(err, errlen, "cannot create", ret), OUTPUT;
    }
    if ((ret = avformat_write_header(j->oc, NULL)) < 0) {
        avformat_close_input(&first);
        return ff_set_error(err, errlen, "cannot write the header", ret), OUTPUT;
    }
    ret = 0;
    for (int i = 0; i < count; i++) {
        AVFormatContext *ic = NULL;
        *failed = i;
        if (ff_open_input(inputs[i], &ic, err, errlen) < 0) {
            ret = -1;
            break;
        }
        // The first segment's streams set the output's; the others must match them. A segment of a clip
        // with fewer frames than segments may hold nothing at all (MP4 then has no tracks).
        if (i > 0 && ic->nb_streams == 0) {
            avformat_close_input(&ic);
            continue;
        }
        ret = i > 0 ? check_matches(first, ic, err, errlen) : 0;
        if (ret == 0) ret = copy_segment(j, ic, err, errlen);
        avformat_close_input(&ic);
        if (ret < 0) break;
    }
    avformat_close_input(&first);
    if (ret < 0) return ret == OUTPUT ? (*failed = -1, OUTPUT) : -1;
    *failed = -1;
    if ((ret = av_write_trailer(j->oc)) < 0) return ff_set_error(err, errlen, "cannot finish the file", ret), OUTPUT;
    if (!(j->oc->oformat->flags & AVFMT_NOFILE) && (ret = avio_closep(&j->oc->pb)) < 0)
        return ff_set_error(err, errlen, "cannot close", ret), OUTPUT;
    return 0;
}

int ccodecs_video_join(const char *const *inputs, int count, const char *output, int *failed,
                       char *err, size_t errlen) {
    *failed = -1;
    if (count < 1) return ff_set_message(err, errlen, "no segments to join"), OUTPUT;
    joiner j = {0};
    int ret = join(&j, inputs, count, output, failed, err, errlen);
    if (j.oc) {
        if (!(j.oc->oformat->flags & AVFMT_NOFILE)) avio_closep(&j.oc->pb);  // a partial file, for the caller to delete
        avformat_free_context(j.oc);
    }
    av_free(j.last_dts);
    av_free(j.segment_end);
    av_free(j.segment_max);
    return ret < 0 ? (*failed >= 0 ? CCODECS_FAIL_INPUT : OUTPUT) : 0;
}

int ccodecs_video_segment_tag(const char *path, char *tag, size_t taglen, char *err, size_t errlen) {
    AVFormatContext *ic = NULL;
    if (taglen > 0) tag[0] = 0;
    if (ff_open_input(path, &ic, err, errlen) < 0) return CCODECS_FAIL_INPUT;
    const AVDictionaryEntry *entry = av_dict_get(ic->metadata, FF_SEGMENT_TAG_KEY, NULL, 0);
    if (entry) snprintf(tag, taglen, "%s", entry->value);
    avformat_close_input(&ic);
    return 0;
}
