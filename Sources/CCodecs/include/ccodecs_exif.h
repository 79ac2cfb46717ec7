// EXIF through libexif: the one tag the pipeline acts on.
#pragma once

// The EXIF orientation (1-8, TIFF/EXIF convention) of the file at `path` (JPEG and the other files
// libexif parses, or a PNG's eXIf chunk), or 0 when it has none (or no readable EXIF block).
int cc_exif_orientation(const char *path);
