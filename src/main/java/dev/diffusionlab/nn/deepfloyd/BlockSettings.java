package dev.diffusionlab.nn.deepfloyd;

/**
 * The sizes every resnet and attention of one UNet shares, taken from its config.json.
 *
 * @param tembChannels width of the time embedding given to each resnet
 * @param groups {@code norm_num_groups} for every resnet and spatial attention norm
 * @param eps {@code norm_eps}
 * @param crossAttentionDim width of the projected text states (added key/value input)
 * @param skipTimeAct {@code resnet_skip_time_act}
 * @param outputScaleFactor {@code resnet_out_scale_factor} of the down and up blocks
 */
record BlockSettings(
    long tembChannels,
    int groups,
    double eps,
    long crossAttentionDim,
    boolean skipTimeAct,
    double outputScaleFactor) {}
