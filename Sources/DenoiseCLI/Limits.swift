import Codec

/// Images above this many pixels are refused from their header, before memory is allocated
/// (a 250-megapixel RGB image already needs about 6 GB of float buffers).
public let maxImagePixels = Photo.defaultMaxPixels
