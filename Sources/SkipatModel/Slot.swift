/// Workspace slots of one forward pass. Skip connections take `skip + level`.
enum Slot: Int {
    case x          // (h*w, 2C) running activation of the bottleneck and decoders
    case normed     // (n, w) LayerNorm output, reused for the attention core and LeFF output
    case qkv        // (n, 3w)
    case zEven      // (n, w) attention/Phi output of even blocks (kept for the next block's Phi)
    case zOdd       // (n, w) same, odd blocks
    case feedForward  // LeFF/Phi ring of hidden rows (see ConvFeedForward.scratchCount)
    case columns    // im2col and transposed-conv scratch
    case upsampled  // (n, w) transposed conv output before the concatenation
    case small      // attention core and ECA scratch
    case fusion     // (h*w, F) temporal models: the fusion branch's hidden activation
    case skip       // first of `levels` skip buffers

    static func count(levels: Int) -> Int { skip.rawValue + levels }
}
