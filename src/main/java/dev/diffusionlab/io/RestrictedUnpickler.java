package dev.diffusionlab.io;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pickle interpreter for PyTorch checkpoints that executes nothing. It understands the opcodes
 * {@code torch.save} emits (protocols 2-4) and exactly the globals a tensor dict needs ({@code
 * torch._utils._rebuild_tensor_v2}, the typed storage classes, {@code collections.OrderedDict});
 * any other global, and every opcode that builds arbitrary objects ({@code INST}, {@code OBJ},
 * {@code NEWOBJ}, {@code BUILD}, ...), is refused with an {@link UnsafePickleException}.
 *
 * <p>Values come back as Java objects: {@code String}, {@code Long}, {@code BigInteger}, {@code
 * Double}, {@code Boolean}, {@code null}, {@link Tuple}, {@code List}, {@code Map} (insertion
 * ordered), {@link TensorRef} for rebuilt tensors.
 */
public final class RestrictedUnpickler {

  /** The only callables a tensor checkpoint may name. */
  private static final Set<String> CALLABLES =
      Set.of(
          "torch._utils._rebuild_tensor_v2",
          "torch._utils._rebuild_tensor",
          "torch._utils._rebuild_parameter",
          "collections.OrderedDict");

  /** Storage classes a persistent id may name, with their element types. */
  private static final Map<String, TensorDType> STORAGES =
      Map.ofEntries(
          Map.entry("torch.HalfStorage", TensorDType.F16),
          Map.entry("torch.FloatStorage", TensorDType.F32),
          Map.entry("torch.DoubleStorage", TensorDType.F64),
          Map.entry("torch.BFloat16Storage", TensorDType.BF16),
          Map.entry("torch.LongStorage", TensorDType.I64),
          Map.entry("torch.IntStorage", TensorDType.I32),
          Map.entry("torch.ShortStorage", TensorDType.I16),
          Map.entry("torch.CharStorage", TensorDType.I8),
          Map.entry("torch.ByteStorage", TensorDType.U8),
          Map.entry("torch.BoolStorage", TensorDType.BOOL));

  /** A Python tuple. */
  public record Tuple(List<Object> items) {
    public Tuple {
      items = java.util.Collections.unmodifiableList(new ArrayList<>(items));
    }
  }

  /** A global the pickle named and the allowlist admits. */
  public record Global(String module, String name) {
    String qualified() {
      return module + "." + name;
    }
  }

  /**
   * A storage named by a persistent id.
   *
   * @param key the storage's record name ({@code data/<key>} in a zip checkpoint)
   * @param dtype element type of the storage class
   * @param numel the number of elements the storage holds
   */
  public record StorageRef(String key, TensorDType dtype, long numel) {}

  /**
   * A tensor view of a storage, as {@code _rebuild_tensor_v2} describes it (offsets in elements).
   */
  public record TensorRef(StorageRef storage, long offset, long[] shape, long[] stride) {}

  /**
   * The largest pickle interpreted: a tensor dict's pickle holds only names, shapes and storage
   * keys (the data lives in separate records), so even large checkpoints stay far below this.
   */
  public static final int MAX_PICKLE_BYTES = 16 << 20;

  /**
   * The most memo references (BINGET) one pickle may make. Each lets the pickle reuse an object,
   * which is how a few hundred bytes describe a structure with 2^60 paths.
   */
  public static final int MAX_MEMO_REFERENCES = 1 << 20;

  private static final Object MARK = new Object();

  private final Path file;
  private final ByteBuffer in;
  private final List<Object> stack = new ArrayList<>();
  private final Map<Long, Object> memo = new HashMap<>();
  private final int start;
  private int memoReferences;

  private RestrictedUnpickler(Path file, byte[] pickle, int offset) {
    this.file = file;
    this.in = ByteBuffer.wrap(pickle).order(ByteOrder.LITTLE_ENDIAN);
    this.in.position(offset);
    this.start = offset;
  }

  /**
   * Interprets one pickle.
   *
   * @param file names the source in error messages
   * @param pickle the bytes
   * @param offset where this pickle starts (legacy checkpoints hold several in a row)
   * @return the unpickled value and the offset just after its STOP
   * @throws UnsafePickleException for any global or opcode outside the allowlist
   * @throws TensorFileException for a malformed pickle, or one longer than {@link
   *     #MAX_PICKLE_BYTES} or making more than {@link #MAX_MEMO_REFERENCES} memo references
   */
  public static Result load(Path file, byte[] pickle, int offset) throws TensorFileException {
    RestrictedUnpickler u = new RestrictedUnpickler(file, pickle, offset);
    Object value = u.run();
    return new Result(value, u.in.position());
  }

  /** An unpickled value and where its pickle ended. */
  public record Result(Object value, int end) {}

  private Object run() throws TensorFileException {
    try {
      while (true) {
        int at = in.position();
        if (at - start > MAX_PICKLE_BYTES) {
          throw new TensorFileException(
              file,
              "pickle runs past the limit of "
                  + ReadLimits.describeBytes(MAX_PICKLE_BYTES)
                  + " without reaching its STOP opcode");
        }
        int op = in.get() & 0xff;
        if (op == '.') {
          return pop();
        }
        execute(op, at);
      }
    } catch (java.nio.BufferUnderflowException e) {
      throw new TensorFileException(file, "pickle ends before its STOP opcode (truncated)", e);
    } catch (IndexOutOfBoundsException | ClassCastException | ArithmeticException e) {
      throw new TensorFileException(file, "malformed pickle: " + e.getMessage(), e);
    }
  }

  private void execute(int op, int at) throws TensorFileException {
    switch (op) {
      case 0x80 -> checkProtocol(in.get() & 0xff);
      case 0x95 -> in.getLong(); // FRAME: a length hint only
      case '(' -> stack.add(MARK);
      case '}' -> stack.add(new LinkedHashMap<Object, Object>());
      case ']' -> stack.add(new ArrayList<Object>());
      case ')' -> stack.add(new Tuple(List.of()));
      case 't' -> stack.add(new Tuple(popToMark()));
      case 0x85 -> stack.add(new Tuple(popN(1)));
      case 0x86 -> stack.add(new Tuple(popN(2)));
      case 0x87 -> stack.add(new Tuple(popN(3)));
      case 'l' -> stack.add(new ArrayList<>(popToMark()));
      case 'd' -> stack.add(dictOf(popToMark()));
      case 'a' -> appendTo(List.of(pop()));
      case 'e' -> appendTo(popToMark());
      case 's' -> setItems(popN(2));
      case 'u' -> setItems(popToMark());
      case 'q' -> memo.put((long) (in.get() & 0xff), peek());
      case 'r' -> memo.put(in.getInt() & 0xffffffffL, peek());
      case 0x94 -> memo.put((long) memo.size(), peek());
      case 'h' -> stack.add(memoGet(in.get() & 0xff));
      case 'j' -> stack.add(memoGet(in.getInt() & 0xffffffffL));
      case 'J' -> stack.add((long) in.getInt());
      case 'K' -> stack.add((long) (in.get() & 0xff));
      case 'M' -> stack.add((long) (in.getShort() & 0xffff));
      case 0x8a -> stack.add(readLong1());
      case 'N' -> stack.add(null);
      case 0x88 -> stack.add(Boolean.TRUE);
      case 0x89 -> stack.add(Boolean.FALSE);
      // BINFLOAT is big-endian, unlike every other binary opcode.
      case 'G' -> stack.add(Double.longBitsToDouble(Long.reverseBytes(in.getLong())));
      case 'X' -> stack.add(readString(in.getInt()));
      case 0x8c -> stack.add(readString(in.get() & 0xff));
      case 0x8d -> stack.add(readString(Math.toIntExact(in.getLong())));
      case 'T' -> stack.add(readString(in.getInt()));
      case 'U' -> stack.add(readString(in.get() & 0xff));
      case 'c' -> stack.add(global(readLine(), readLine()));
      case 0x93 -> {
        String name = (String) pop();
        String module = (String) pop();
        stack.add(global(module, name));
      }
      case 'R' -> {
        Tuple args = (Tuple) pop();
        stack.add(reduce(pop(), args));
      }
      case 'Q' -> stack.add(persistentLoad(pop()));
      case '0' -> pop();
      case '1' -> popToMark();
      case '2' -> stack.add(peek());
      default -> throw refusal(op, at);
    }
  }

  private void checkProtocol(int protocol) throws TensorFileException {
    if (protocol > 5) {
      throw new TensorFileException(file, "pickle protocol " + protocol + " is newer than 5");
    }
  }

  private TensorFileException refusal(int op, int at) {
    String name =
        switch (op) {
          case 'i' -> "INST";
          case 'o' -> "OBJ";
          case 0x81 -> "NEWOBJ";
          case 0x92 -> "NEWOBJ_EX";
          case 'b' -> "BUILD";
          case 0x82, 0x83, 0x84 -> "EXT";
          case 'P' -> "PERSID";
          default -> String.format("0x%02x", op);
        };
    return new UnsafePickleException(
        file,
        "pickle opcode "
            + name
            + " at byte "
            + at
            + " is not allowed: this reader only rebuilds tensor dicts and never constructs"
            + " arbitrary objects");
  }

  private Object global(String module, String name) throws UnsafePickleException {
    String qualified = module + "." + name;
    if (!CALLABLES.contains(qualified) && !STORAGES.containsKey(qualified)) {
      throw new UnsafePickleException(
          file,
          "pickle asks for global '"
              + qualified
              + "', which a tensor checkpoint never needs; refusing to load it (allowed: "
              + String.join(", ", new java.util.TreeSet<>(CALLABLES))
              + " and torch.*Storage)");
    }
    return new Global(module, name);
  }

  private Object reduce(Object callable, Tuple args) throws TensorFileException {
    if (!(callable instanceof Global g) || !CALLABLES.contains(g.qualified())) {
      throw new UnsafePickleException(
          file,
          "pickle calls " + describe(callable) + "; only tensor rebuild functions may be called");
    }
    List<Object> a = args.items();
    return switch (g.qualified()) {
      case "collections.OrderedDict" -> {
        if (!a.isEmpty()) {
          throw new TensorFileException(file, "OrderedDict called with arguments");
        }
        yield new LinkedHashMap<Object, Object>();
      }
      case "torch._utils._rebuild_parameter" -> a.get(0);
      default -> rebuildTensor(a);
    };
  }

  private TensorRef rebuildTensor(List<Object> a) throws TensorFileException {
    if (a.size() < 4 || !(a.get(0) instanceof StorageRef storage)) {
      throw new TensorFileException(
          file, "tensor rebuild without a storage: " + a.size() + " arguments");
    }
    if (!(a.get(1) instanceof Long offset) || offset < 0) {
      throw new TensorFileException(
          file, "tensor storage offset must be an int >= 0, got " + describe(a.get(1)));
    }
    long[] shape = longs(a.get(2));
    long[] stride = longs(a.get(3));
    if (shape.length != stride.length) {
      throw new TensorFileException(file, "tensor size and stride differ in rank");
    }
    return new TensorRef(storage, offset, shape, stride);
  }

  private long[] longs(Object tuple) throws TensorFileException {
    if (!(tuple instanceof Tuple t)) {
      throw new TensorFileException(file, "expected a tuple of ints, got " + describe(tuple));
    }
    long[] out = new long[t.items().size()];
    for (int i = 0; i < out.length; i++) {
      if (!(t.items().get(i) instanceof Long v) || v < 0) {
        throw new TensorFileException(
            file, "expected non-negative ints, got " + describe(t.items().get(i)));
      }
      out[i] = v;
    }
    return out;
  }

  /**
   * Persistent ids name storages: {@code ('storage', storage_class, key, location, numel)} in zip
   * checkpoints, plus a view descriptor (only {@code None} is supported) in legacy ones.
   */
  private Object persistentLoad(Object pid) throws TensorFileException {
    if (!(pid instanceof Tuple t)
        || t.items().size() < 5
        || !"storage".equals(t.items().get(0))
        || !(t.items().get(1) instanceof Global type)
        || !STORAGES.containsKey(type.qualified())) {
      throw new UnsafePickleException(
          file, "persistent id " + describe(pid) + " is not a torch storage reference");
    }
    if (t.items().size() > 5 && t.items().get(5) != null) {
      throw new TensorFileException(file, "storage views of legacy checkpoints are not supported");
    }
    Object numel = t.items().get(4);
    if (!(numel instanceof Long n) || n < 0) {
      throw new TensorFileException(file, "storage size must be a non-negative int: " + numel);
    }
    return new StorageRef(String.valueOf(t.items().get(2)), STORAGES.get(type.qualified()), n);
  }

  private static String describe(Object o) {
    if (o instanceof Global g) {
      return g.qualified();
    }
    // Containers are described by size only: printing them would walk shared or cyclic structure.
    if (o instanceof List<?> list) {
      return "a list of " + list.size();
    }
    if (o instanceof Map<?, ?> map) {
      return "a dict of " + map.size();
    }
    if (o instanceof Tuple tuple) {
      return "a tuple of " + tuple.items().size();
    }
    if (o instanceof String text && text.length() > 80) {
      return "String " + text.substring(0, 80) + "...";
    }
    return o == null ? "None" : o.getClass().getSimpleName() + " " + o;
  }

  private Object readLong1() {
    int n = in.get() & 0xff;
    byte[] littleEndian = new byte[n];
    in.get(littleEndian);
    byte[] bigEndian = new byte[n];
    for (int i = 0; i < n; i++) {
      bigEndian[i] = littleEndian[n - 1 - i];
    }
    BigInteger value = n == 0 ? BigInteger.ZERO : new BigInteger(bigEndian);
    return value.bitLength() < 64 ? (Object) value.longValue() : value;
  }

  private String readString(int length) throws TensorFileException {
    if (length < 0 || length > in.remaining()) {
      throw new TensorFileException(
          file, "pickle string of " + length + " bytes runs past the end");
    }
    byte[] bytes = new byte[length];
    in.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private String readLine() throws TensorFileException {
    StringBuilder line = new StringBuilder();
    while (true) {
      byte b = in.get();
      if (b == '\n') {
        return line.toString();
      }
      if (line.length() > 256) {
        throw new TensorFileException(file, "pickle GLOBAL name longer than 256 bytes");
      }
      line.append((char) (b & 0xff));
    }
  }

  private Object memoGet(long key) throws TensorFileException {
    if (++memoReferences > MAX_MEMO_REFERENCES) {
      throw new TensorFileException(
          file, "pickle makes more than the limit of " + MAX_MEMO_REFERENCES + " memo references");
    }
    if (!memo.containsKey(key)) {
      throw new TensorFileException(
          file, "pickle refers to memo entry " + key + " before setting it");
    }
    return memo.get(key);
  }

  private Object pop() throws TensorFileException {
    if (stack.isEmpty() || stack.get(stack.size() - 1) == MARK) {
      throw new TensorFileException(file, "pickle pops from an empty stack");
    }
    return stack.remove(stack.size() - 1);
  }

  private Object peek() throws TensorFileException {
    if (stack.isEmpty()) {
      throw new TensorFileException(file, "pickle memoizes from an empty stack");
    }
    return stack.get(stack.size() - 1);
  }

  private List<Object> popN(int n) throws TensorFileException {
    if (stack.size() < n) {
      throw new TensorFileException(file, "pickle stack underflow");
    }
    List<Object> items = new ArrayList<>(stack.subList(stack.size() - n, stack.size()));
    if (items.contains(MARK)) {
      throw new TensorFileException(file, "pickle uses a MARK as a value");
    }
    stack.subList(stack.size() - n, stack.size()).clear();
    return items;
  }

  private List<Object> popToMark() throws TensorFileException {
    int mark = stack.lastIndexOf(MARK);
    if (mark < 0) {
      throw new TensorFileException(file, "pickle has no MARK to pop to");
    }
    List<Object> items = new ArrayList<>(stack.subList(mark + 1, stack.size()));
    stack.subList(mark, stack.size()).clear();
    return items;
  }

  @SuppressWarnings("unchecked")
  private void appendTo(List<Object> items) throws TensorFileException {
    if (!(peek() instanceof List<?> list)) {
      throw new TensorFileException(file, "APPEND to something that is not a list");
    }
    ((List<Object>) list).addAll(items);
  }

  @SuppressWarnings("unchecked")
  private void setItems(List<Object> keyValues) throws TensorFileException {
    if (!(peek() instanceof Map<?, ?> map)) {
      throw new TensorFileException(file, "SETITEM on something that is not a dict");
    }
    if (keyValues.size() % 2 != 0) {
      throw new TensorFileException(file, "SETITEMS with an odd number of items");
    }
    for (int i = 0; i < keyValues.size(); i += 2) {
      Object key = keyValues.get(i);
      // Only scalar keys: hashing a list or tuple key would walk its (possibly shared) contents.
      if (key != null
          && !(key instanceof String || key instanceof Number || key instanceof Boolean)) {
        throw new TensorFileException(
            file, "dict key " + describe(key) + " is not a string or number");
      }
      ((Map<Object, Object>) map).put(key, keyValues.get(i + 1));
    }
  }

  private Map<Object, Object> dictOf(List<Object> keyValues) throws TensorFileException {
    Map<Object, Object> map = new LinkedHashMap<>();
    stack.add(map);
    setItems(keyValues);
    stack.remove(stack.size() - 1);
    return map;
  }
}
