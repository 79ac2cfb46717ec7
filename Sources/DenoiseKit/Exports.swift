// `import DenoiseKit` is all an app needs: the image type the Denoiser takes and returns comes with it.
@_exported import Imaging
@_exported import enum Engine.MatrixPrecision
