package dev.diffusionlab.manifest;

/** Converts JSON pointers to the field paths users read: {@code experiments[2].params.epochs}. */
public final class FieldPaths {
  private FieldPaths() {}

  public static String fromPointer(String pointer) {
    if (pointer.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    for (String part : pointer.substring(1).split("/", -1)) {
      String name = part.replace("~1", "/").replace("~0", "~");
      if (!name.isEmpty() && name.chars().allMatch(Character::isDigit)) {
        out.append('[').append(name).append(']');
      } else {
        if (out.length() > 0) {
          out.append('.');
        }
        out.append(name);
      }
    }
    return out.toString();
  }
}
