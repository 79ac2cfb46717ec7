#!/usr/bin/env bash
# Makes the sample video and the codec test fixtures with the ffmpeg CLI (never needed by tests or CI).
#
# Source image: ../shared/data/train/color/skimage/{astronaut,camera}.png, bundled with scikit-image.
#   astronaut.png: Eileen Collins, NASA; public domain (via scikit-image, skimage.data.astronaut).
#   camera.png: scikit-image's "cameraman" test image, CC0 / public domain per skimage.data.camera.
# Everything written here is derived from those images (plus synthetic tones), so it is public domain too.
#
# Writes:
#   Samples/noisy-clip.mp4                        2 s, 25 fps, 320x240 H.264 yuv420p pan/zoom over astronaut
#                                                 with temporal Gaussian noise (noise filter, strength 20),
#                                                 plus mono AAC 440 Hz; crf 26 keeps it under 600 KB
#   Tests/CodecTests/Fixtures/astronaut-41x31.bmp       24-bit BMP (odd size)
#   Tests/CodecTests/Fixtures/astronaut-41x31-rgb48.tif the same pixels, 16-bit RGB (v * 257)
#   Tests/CodecTests/Fixtures/astronaut-41x31.jpg       the same pixels, JPEG quality ~95
#   Tests/CodecTests/Fixtures/astronaut-41x31-rgba.tif  the same pixels, 8-bit RGBA (alpha = 6 * x)
#   Tests/CodecTests/Fixtures/camera-32x24.bmp          8-bit gray BMP (palette)
#   Tests/CodecTests/Fixtures/camera-32x24-gray16.tif   the same pixels, 16-bit gray (v * 257)
#   Tests/CodecTests/Fixtures/tone.m4a                  audio only (AAC), for "no video stream"
#   Tests/CodecTests/Fixtures/rotated-90.mp4            5 frames 32x16 H.264 whose display matrix
#                                                       says "turn 90 degrees clockwise"
#   Tests/CodecTests/Fixtures/vfr.mp4                   8 frames 32x16 H.264 at irregular times
#                                                       0, .04, .08, .2, .24, .48, .52, .56 s
#   Tests/CodecTests/Fixtures/hdr10-pq.mkv              6 frames 64x32 HEVC Main 10 (yuv420p10le) tagged
#                                                       BT.2020 / PQ (smpte2084) / bt2020nc / limited range
#   Tests/CodecTests/Fixtures/subtitled.mkv             5 frames 32x16 H.264 + AAC + an SRT subtitle stream
#                                                       (language "eng", 2 cues) + a second SRT (fre, 1 cue)
#   Tests/CodecTests/Fixtures/frames-1.mp4, frames-2.mp4  1 and 2 frames 64x48 H.264 (clips shorter than a
#                                                       temporal model's window)
set -euo pipefail
cd "$(dirname "$0")/.."
images=../shared/data/train/color/skimage
fixtures=Tests/CodecTests/Fixtures
mkdir -p Samples "$fixtures"
ff() { ffmpeg -hide_banner -loglevel error -y "$@"; }
# Strip encoder version strings so reruns give the same bytes.
exact=(-map_metadata -1 -fflags +bitexact -flags:v +bitexact -flags:a +bitexact)

# The clip: a 4:3 crop of the 512x512 portrait, zooming in slowly while drifting right and down.
ff -loop 1 -framerate 25 -i "$images/astronaut.png" \
   -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=2" \
   -filter_complex "[0:v]crop=512:384:0:24,zoompan=z='1+0.004*on':x='on*0.8':y='on*0.6':d=1:s=320x240:fps=25,noise=alls=20:allf=t,format=yuv420p[v]" \
   -map "[v]" -map 1:a -t 2 -c:v libx264 -preset medium -crf 26 -c:a aac -b:a 48k -ac 1 \
   -movflags +faststart "${exact[@]}" Samples/noisy-clip.mp4

# Stills: one small odd-size crop in several containers and depths. The 16-bit and RGBA copies are
# computed from the 8-bit samples in Python and handed over raw, so they hold exactly v * 257 and the
# same colours (swscale's own 8 -> 16 bit path is not exact).
ff -i "$images/astronaut.png" -vf "crop=328:248:120:20,scale=41:31:flags=area" -pix_fmt bgr24 "$fixtures/astronaut-41x31.bmp"
ff -i "$images/camera.png" -vf "crop=384:288:64:40,scale=32:24:flags=area" -pix_fmt gray "$fixtures/camera-32x24.bmp"
ff -i "$fixtures/astronaut-41x31.bmp" -q:v 2 "$fixtures/astronaut-41x31.jpg"
samples() { ffmpeg -hide_banner -loglevel error -i "$1" -f rawvideo -pix_fmt "$2" -; }
widen='import sys, array
a = array.array("H", (v * 257 for v in sys.stdin.buffer.read()))
if sys.byteorder == "big": a.byteswap()
sys.stdout.buffer.write(a.tobytes())'
add_alpha='import sys
rgb, out = sys.stdin.buffer.read(), bytearray()
for p in range(len(rgb) // 3):
    out += rgb[3 * p:3 * p + 3] + bytes([6 * (p % 41)])
sys.stdout.buffer.write(out)'
samples "$fixtures/astronaut-41x31.bmp" rgb24 | python3 -c "$widen" |
    ff -f rawvideo -pix_fmt rgb48le -s 41x31 -i - -compression_algo deflate "$fixtures/astronaut-41x31-rgb48.tif"
samples "$fixtures/astronaut-41x31.bmp" rgb24 | python3 -c "$add_alpha" |
    ff -f rawvideo -pix_fmt rgba -s 41x31 -i - -compression_algo deflate "$fixtures/astronaut-41x31-rgba.tif"
samples "$fixtures/camera-32x24.bmp" gray | python3 -c "$widen" |
    ff -f rawvideo -pix_fmt gray16le -s 32x24 -i - -compression_algo deflate "$fixtures/camera-32x24-gray16.tif"

# Audio only.
ff -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=0.2" -c:a aac -b:a 32k -ac 1 "${exact[@]}" "$fixtures/tone.m4a"

# Rotation: ffmpeg 5.1's CLI cannot set a display matrix, so write the tkhd matrix of the only track
# by hand: (a b c d) = (0 1 -1 0) with x = height is what FFmpeg itself writes for 90 degrees.
ff -f lavfi -i "testsrc=size=32x16:rate=25" -frames:v 5 -c:v libx264 -preset medium -crf 30 -pix_fmt yuv420p \
   "${exact[@]}" "$fixtures/rotated-90.mp4"
python3 - "$fixtures/rotated-90.mp4" <<'PY'
import struct, sys
path = sys.argv[1]
data = bytearray(open(path, "rb").read())
at = data.index(b"tkhd")  # box type; version 0 fields follow
assert data[at + 4] == 0, "expected a version 0 tkhd"
matrix = at + 4 + 4 * 6 + 8 + 2 * 4  # version/flags, times, id, reserved, duration, reserved, layer..volume
height = 16
one, q30 = 1 << 16, 1 << 30
data[matrix:matrix + 36] = struct.pack(">9i", 0, one, 0, -one, 0, 0, height * one, 0, q30)
open(path, "wb").write(data)
PY
# Variable frame rate: gaps after the third and the fifth frame.
ff -f lavfi -i "testsrc=size=32x16:rate=25" -frames:v 8 -vf "setpts='(N*0.04+gte(N,3)*0.08+gte(N,5)*0.2)/TB'" \
   -fps_mode passthrough -c:v libx264 -preset medium -crf 30 -pix_fmt yuv420p "${exact[@]}" "$fixtures/vfr.mp4"

# 10-bit HDR: a gradient (so 10 bits matter) with PQ tags, as phones and cameras write HDR10.
ff -f lavfi -i "gradients=size=64x32:rate=25:speed=0.05,format=yuv420p10le" -frames:v 6 -c:v libx265 -preset medium \
   -crf 20 -x265-params log-level=none -color_primaries bt2020 -color_trc smpte2084 -colorspace bt2020nc \
   -color_range tv "${exact[@]}" "$fixtures/hdr10-pq.mkv"
# Subtitles: two SRT tracks beside the video and the audio.
printf '1\n00:00:00,000 --> 00:00:00,080\nhello\n\n2\n00:00:00,080 --> 00:00:00,200\nworld\n' > /tmp/cues-eng.srt
printf '1\n00:00:00,000 --> 00:00:00,200\nbonjour\n' > /tmp/cues-fre.srt
ff -f lavfi -i "testsrc=size=32x16:rate=25" -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=0.2" \
   -i /tmp/cues-eng.srt -i /tmp/cues-fre.srt -map 0:v -map 1:a -map 2 -map 3 -t 0.2 -c:v libx264 -preset medium \
   -crf 30 -pix_fmt yuv420p -c:a aac -b:a 32k -ac 1 -c:s srt -metadata:s:s:0 language=eng \
   -metadata:s:s:1 language=fre "${exact[@]}" "$fixtures/subtitled.mkv"

ls -l Samples/noisy-clip.mp4 "$fixtures"/astronaut-41x31* "$fixtures"/camera-32x24* "$fixtures"/tone.m4a "$fixtures"/rotated-90.mp4 "$fixtures"/vfr.mp4 \
   "$fixtures"/hdr10-pq.mkv "$fixtures"/subtitled.mkv

# Clips shorter than the temporal models' five-frame window.
for n in 1 2; do
    ff -loop 1 -framerate 25 -i "$images/astronaut.png" \
       -vf "crop=256:192:128:64,scale=64:48:flags=area,noise=alls=20:allf=t,format=yuv420p" \
       -frames:v "$n" -c:v libx264 -preset medium -crf 20 "${exact[@]}" "$fixtures/frames-$n.mp4"
done
