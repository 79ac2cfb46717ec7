public let bundledWeightsPlaceholder = 0
