// C side of the codec layer: the only code that calls libpng and FFmpeg.
#pragma once
#include "ccodecs_png.h"
#include "ccodecs_ffmpeg.h"
