// EXIF through libexif: the one tag the pipeline acts on.
#pragma once

// The EXIF orientation (1-8, TIFF/EXIF convention) of the JPEG, TIFF or other EXIF-carrying file at
// `path`, or 0 when it has none (or no readable EXIF block).
int cc_exif_orientation(const char *path);
