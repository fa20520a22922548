package dev.diffusionlab.nn.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The part B UNet (B1.1, B2.1, B2.4). Inputs, in order: the noisy image x [N, 1, 28, 28], then when
 * conditioned on time t/T [N, 1], then when conditioned on class a one-hot c [N, classes] (all
 * zeros for "no class"). Output: [N, 1, 28, 28].
 *
 * <p>Plumbing at width D: ConvBlock(1→D) @28 → DownBlock(D→D) @14 → DownBlock(D→2D) @7 → Flatten @1
 * → Unflatten(2D) @7, concat skip → UpBlock(4D→D) @14, concat skip → UpBlock(2D→D) @28, concat skip
 * → ConvBlock(2D→D) → 3×3 Conv(D→1). Time and class modulate the Unflatten output and the first
 * UpBlock's output: {@code h = c1 * h + t1}, {@code up1 = c2 * up1 + t2}.
 */
public final class UNet extends AbstractBlock {
  private static final byte VERSION = 1;

  private final UNetConfig config;
  private final Block inBlock;
  private final Block down1;
  private final Block down2;
  private final Block flatten;
  private final Block unflatten;
  private final Block up1;
  private final Block up2;
  private final Block outBlock;
  private final Block outConv;
  private final Block time1;
  private final Block time2;
  private final Block class1;
  private final Block class2;

  public UNet(UNetConfig config) {
    super(VERSION);
    this.config = config;
    int d = config.hidden();
    inBlock = addChildBlock("in", UNetBlocks.convBlock(d));
    down1 = addChildBlock("down1", UNetBlocks.downBlock(d));
    down2 = addChildBlock("down2", UNetBlocks.downBlock(2 * d));
    flatten = addChildBlock("flatten", UNetBlocks.flatten());
    unflatten = addChildBlock("unflatten", UNetBlocks.unflatten(2 * d));
    up1 = addChildBlock("up1", UNetBlocks.upBlock(d));
    up2 = addChildBlock("up2", UNetBlocks.upBlock(d));
    outBlock = addChildBlock("outBlock", UNetBlocks.convBlock(d));
    outConv =
        addChildBlock(
            "outConv",
            ai.djl.nn.convolutional.Conv2d.builder()
                .setKernelShape(new Shape(3, 3))
                .optPadding(new Shape(1, 1))
                .setFilters(1)
                .build());
    boolean time = config.conditioning().usesTime();
    boolean classes = config.conditioning().usesClass();
    time1 = time ? addChildBlock("time1", UNetBlocks.fcBlock(2 * d)) : null;
    time2 = time ? addChildBlock("time2", UNetBlocks.fcBlock(d)) : null;
    class1 = classes ? addChildBlock("class1", UNetBlocks.fcBlock(2 * d)) : null;
    class2 = classes ? addChildBlock("class2", UNetBlocks.fcBlock(d)) : null;
  }

  /** The configuration this network was built from. */
  public UNetConfig config() {
    return config;
  }

  /** The shapes of the inputs for a batch of {@code n}, in the order {@code forward} takes them. */
  public Shape[] inputShapes(long n) {
    int size = UNetConfig.IMAGE_SIZE;
    Shape x = new Shape(n, 1, size, size);
    return switch (config.conditioning()) {
      case NONE -> new Shape[] {x};
      case TIME -> new Shape[] {x, new Shape(n, 1)};
      case TIME_AND_CLASS -> new Shape[] {x, new Shape(n, 1), new Shape(n, config.numClasses())};
    };
  }

  /** The number of trainable parameters (BatchNorm running statistics are not parameters). */
  public long trainableParameterCount() {
    long count = 0;
    for (Parameter p : getParameters().values()) {
      if (p.requiresGradient()) {
        count += p.getShape().size();
      }
    }
    return count;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.get(0);
    long n = x.getShape().get(0);
    NDArray h0 = run(inBlock, ps, x, training);
    NDArray h1 = run(down1, ps, h0, training);
    NDArray h2 = run(down2, ps, h1, training);
    NDArray u = run(unflatten, ps, run(flatten, ps, h2, training), training);
    u = modulate(ps, inputs, u, class1, time1, n, training);
    NDArray v = run(up1, ps, u.concat(h2, 1), training);
    v = modulate(ps, inputs, v, class2, time2, n, training);
    NDArray w = run(up2, ps, v.concat(h1, 1), training);
    NDArray out = run(outBlock, ps, w.concat(h0, 1), training);
    return new NDList(run(outConv, ps, out, training));
  }

  // B2.1/B2.4: h = c * h + t, with FCBlock outputs broadcast over the spatial dimensions.
  private NDArray modulate(
      ParameterStore ps,
      NDList inputs,
      NDArray h,
      Block classBlock,
      Block timeBlock,
      long n,
      boolean training) {
    if (classBlock != null) {
      NDArray scale = run(classBlock, ps, inputs.get(2), training).reshape(n, -1, 1, 1);
      h = h.mul(scale);
    }
    if (timeBlock != null) {
      h = h.add(run(timeBlock, ps, inputs.get(1), training).reshape(n, -1, 1, 1));
    }
    return h;
  }

  private static NDArray run(Block block, ParameterStore ps, NDArray x, boolean training) {
    return block.forward(ps, new NDList(x), training).singletonOrThrow();
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape x = inputShapes[0];
    Shape h0 = init(inBlock, manager, dataType, x);
    Shape h1 = init(down1, manager, dataType, h0);
    Shape h2 = init(down2, manager, dataType, h1);
    Shape u = init(unflatten, manager, dataType, init(flatten, manager, dataType, h2));
    Shape v = init(up1, manager, dataType, concat(u, h2));
    Shape w = init(up2, manager, dataType, concat(v, h1));
    init(outConv, manager, dataType, init(outBlock, manager, dataType, concat(w, h0)));
    if (time1 != null) {
      init(time1, manager, dataType, inputShapes[1]);
      init(time2, manager, dataType, inputShapes[1]);
    }
    if (class1 != null) {
      init(class1, manager, dataType, inputShapes[2]);
      init(class2, manager, dataType, inputShapes[2]);
    }
  }

  private static Shape init(Block block, NDManager manager, DataType dataType, Shape input) {
    block.initialize(manager, dataType, input);
    return block.getOutputShapes(new Shape[] {input})[0];
  }

  private static Shape concat(Shape a, Shape b) {
    return new Shape(a.get(0), a.get(1) + b.get(1), a.get(2), a.get(3));
  }
}
