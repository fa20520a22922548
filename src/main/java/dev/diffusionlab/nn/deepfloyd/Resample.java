package dev.diffusionlab.nn.deepfloyd;

/** What a resnet does to the resolution: IF's down/up samplers are resnets that resample. */
enum Resample {
  /** Keep H and W. */
  NONE,
  /** 2×2 average pooling of both the hidden path and the shortcut. */
  DOWN,
  /** 2× nearest upsampling of both the hidden path and the shortcut. */
  UP
}
