// Stream parameters and every video packet's time, from the demuxer alone (no frame decoding).
#include "ccodecs_ffmpeg.h"
#include "ff_common.h"
#include <stdlib.h>
#include <string.h>
#include <libavutil/pixdesc.h>

struct ccodecs_probe {
    ccodecs_probe_info info;
    ccodecs_probe_frame *frames;  // (packet_count), sorted by timestamp
    ccodecs_probe_audio *audio;
    ccodecs_probe_other *other;
};

static int compare_frames(const void *a, const void *b) {
    int64_t x = ((const ccodecs_probe_frame *)a)->pts, y = ((const ccodecs_probe_frame *)b)->pts;
    return (x > y) - (x < y);
}

// FNV-1a over a packet's bytes, chained: two streams with the same digest carry the same packets.
static uint64_t fnv1a(uint64_t hash, const uint8_t *data, int size) {
    for (int i = 0; i < size; i++) hash = (hash ^ data[i]) * 0x100000001b3ULL;
    return hash;
}

static void copy_name(char *dst, size_t size, const char *name) { snprintf(dst, size, "%s", name ? name : "unknown"); }

// Counts packets per stream and collects the video packets' times.
static int read_packets(AVFormatContext *ic, int video, const int *audio_slot, const int *other_slot, ccodecs_probe *p,
                        char *err, size_t errlen) {
    AVPacket *packet = av_packet_alloc();
    size_t capacity = 0;
    int ret = packet ? 0 : AVERROR(ENOMEM);
    while (ret >= 0 && (ret = av_read_frame(ic, packet)) >= 0) {
        int slot = audio_slot[packet->stream_index];
        if (slot >= 0) {
            ccodecs_probe_audio *a = &p->audio[slot];
            a->packet_count++;
            a->payload_bytes += packet->size;
            a->payload_digest = fnv1a(a->payload_digest, packet->data, packet->size);
        }
        if (other_slot[packet->stream_index] >= 0) p->other[other_slot[packet->stream_index]].packet_count++;
        int64_t ts = packet->pts != AV_NOPTS_VALUE ? packet->pts : packet->dts;
        // Discard-flagged packets are decoder priming that players never show.
        if (packet->stream_index == video && ts != AV_NOPTS_VALUE && !(packet->flags & AV_PKT_FLAG_DISCARD)) {
            if ((size_t)p->info.packet_count == capacity) {
                capacity = capacity ? 2 * capacity : 256;
                ccodecs_probe_frame *frames = realloc(p->frames, capacity * sizeof *frames);
                if (frames) p->frames = frames;
                else ret = AVERROR(ENOMEM);
            }
            if (ret >= 0)
                p->frames[p->info.packet_count++] = (ccodecs_probe_frame){ts, (packet->flags & AV_PKT_FLAG_KEY) != 0};
        }
        av_packet_unref(packet);
    }
    av_packet_free(&packet);
    if (ret != AVERROR_EOF) return ff_set_error(err, errlen, "cannot read", ret), -1;
    if (p->info.packet_count > 1) qsort(p->frames, p->info.packet_count, sizeof *p->frames, compare_frames);
    return 0;
}

static int probe(ccodecs_probe *p, AVFormatContext *ic, char *err, size_t errlen) {
    int video = av_find_best_stream(ic, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
    if (video >= 0 && (ic->streams[video]->disposition & AV_DISPOSITION_ATTACHED_PIC)) video = -1;
    int *audio_slot = calloc(ic->nb_streams, sizeof *audio_slot);
    int *other_slot = calloc(ic->nb_streams, sizeof *other_slot);
    p->audio = calloc(ic->nb_streams, sizeof *p->audio);
    p->other = calloc(ic->nb_streams, sizeof *p->other);
    if (!audio_slot || !other_slot || !p->audio || !p->other) {
        free(audio_slot);
        free(other_slot);
        return ff_set_message(err, errlen, "out of memory"), -1;
    }
    for (unsigned i = 0; i < ic->nb_streams; i++) {
        const AVCodecParameters *par = ic->streams[i]->codecpar;
        audio_slot[i] = other_slot[i] = -1;
        if ((int)i == video) continue;
        if (par->codec_type != AVMEDIA_TYPE_AUDIO) {
            ccodecs_probe_other *o = &p->other[p->info.other_count];
            const char *kind = av_get_media_type_string(par->codec_type);
            copy_name(o->kind, sizeof o->kind, kind);
            copy_name(o->codec, sizeof o->codec, avcodec_get_name(par->codec_id));
            const AVDictionaryEntry *language = av_dict_get(ic->streams[i]->metadata, "language", NULL, 0);
            snprintf(o->language, sizeof o->language, "%s", language ? language->value : "");
            other_slot[i] = p->info.other_count++;
            continue;
        }
        ccodecs_probe_audio *a = &p->audio[p->info.audio_count];
        copy_name(a->codec, sizeof a->codec, avcodec_get_name(par->codec_id));
        a->sample_rate = par->sample_rate;
        a->channels = par->ch_layout.nb_channels;
        a->payload_digest = 0xcbf29ce484222325ULL;  // FNV-1a's offset basis
        audio_slot[i] = p->info.audio_count++;
    }
    if (video >= 0) {
        const AVStream *st = ic->streams[video];
        p->info.has_video = 1;
        p->info.width = st->codecpar->width;
        p->info.height = st->codecpar->height;
        p->info.frame_rate = av_q2d(ff_frame_rate(st));
        p->info.rotation = ff_rotation_degrees(st);
        p->info.time_base_num = st->time_base.num;
        p->info.time_base_den = st->time_base.den;
        copy_name(p->info.codec, sizeof p->info.codec, avcodec_get_name(st->codecpar->codec_id));
        copy_name(p->info.pixel_format, sizeof p->info.pixel_format, av_get_pix_fmt_name(st->codecpar->format));
        copy_name(p->info.primaries, sizeof p->info.primaries, av_color_primaries_name(st->codecpar->color_primaries));
        copy_name(p->info.transfer, sizeof p->info.transfer, av_color_transfer_name(st->codecpar->color_trc));
        copy_name(p->info.matrix, sizeof p->info.matrix, av_color_space_name(st->codecpar->color_space));
        copy_name(p->info.range, sizeof p->info.range, av_color_range_name(st->codecpar->color_range));
    }
    int ret = read_packets(ic, video, audio_slot, other_slot, p, err, errlen);
    free(audio_slot);
    free(other_slot);
    return ret;
}

int ccodecs_probe_open(const char *path, ccodecs_probe **out, ccodecs_probe_info *info, char *err, size_t errlen) {
    *out = NULL;
    AVFormatContext *ic = NULL;
    if (ff_open_input(path, &ic, err, errlen) < 0) return -1;
    ccodecs_probe *p = calloc(1, sizeof *p);
    int ret = p ? probe(p, ic, err, errlen) : (ff_set_message(err, errlen, "out of memory"), -1);
    avformat_close_input(&ic);
    if (ret < 0) {
        ccodecs_probe_close(p);
        return -1;
    }
    *info = p->info;
    *out = p;
    return 0;
}

void ccodecs_probe_video_frames(const ccodecs_probe *p, ccodecs_probe_frame *frames) {
    if (p->info.packet_count > 0) memcpy(frames, p->frames, p->info.packet_count * sizeof *frames);
}

void ccodecs_probe_audio_stream(const ccodecs_probe *p, int index, ccodecs_probe_audio *out) { *out = p->audio[index]; }

void ccodecs_probe_other_stream(const ccodecs_probe *p, int index, ccodecs_probe_other *out) { *out = p->other[index]; }

void ccodecs_probe_close(ccodecs_probe *p) {
    if (!p) return;
    free(p->frames);
    free(p->audio);
    free(p->other);
    free(p);
}
