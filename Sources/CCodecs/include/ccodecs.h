// C side of the codec layer: the only code that calls libpng, libjpeg-turbo, libtiff, FFmpeg and libexif.
#pragma once
#include "ccodecs_png.h"
#include "ccodecs_ffmpeg.h"
#include "ccodecs_exif.h"
#include "ccodecs_write.h"
#include "ccodecs_metadata.h"
