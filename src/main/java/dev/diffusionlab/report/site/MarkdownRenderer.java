package dev.diffusionlab.report.site;

import com.vladsch.flexmark.ast.Code;
import com.vladsch.flexmark.ast.FencedCodeBlock;
import com.vladsch.flexmark.ast.Heading;
import com.vladsch.flexmark.ast.Image;
import com.vladsch.flexmark.ast.Link;
import com.vladsch.flexmark.ast.Text;
import com.vladsch.flexmark.ext.attributes.AttributeNode;
import com.vladsch.flexmark.ext.attributes.AttributesExtension;
import com.vladsch.flexmark.ext.gitlab.GitLabExtension;
import com.vladsch.flexmark.ext.gitlab.GitLabInlineMath;
import com.vladsch.flexmark.ext.tables.TablesExtension;
import com.vladsch.flexmark.html.HtmlRenderer;
import com.vladsch.flexmark.html.HtmlWriter;
import com.vladsch.flexmark.html.LinkResolver;
import com.vladsch.flexmark.html.LinkResolverFactory;
import com.vladsch.flexmark.html.renderer.HeaderIdGenerator;
import com.vladsch.flexmark.html.renderer.LinkResolverBasicContext;
import com.vladsch.flexmark.html.renderer.LinkStatus;
import com.vladsch.flexmark.html.renderer.NodeRenderer;
import com.vladsch.flexmark.html.renderer.NodeRendererContext;
import com.vladsch.flexmark.html.renderer.NodeRenderingHandler;
import com.vladsch.flexmark.parser.Parser;
import com.vladsch.flexmark.util.ast.Document;
import com.vladsch.flexmark.util.ast.Node;
import com.vladsch.flexmark.util.data.MutableDataSet;
import dev.diffusionlab.experiments.OutputKind;
import dev.diffusionlab.report.CsvTable;
import dev.diffusionlab.run.CacheEntry;
import dev.diffusionlab.run.OutputRecord;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Renders one Markdown page to HTML, resolving references to experiment outputs:
 *
 * <ul>
 *   <li>{@code ![caption](exp:ID/FILE)}: a figure (numbered, captioned, with its provenance);
 *   <li>{@code [text](exp:ID/FILE)}: a link to an output file;
 *   <li>a fenced block {@code ```table} whose first line is {@code exp:ID/FILE.csv}: an HTML table;
 *   <li>{@code $`TeX`$} inline and fenced {@code ```math} blocks: formulas rendered to SVG;
 *   <li>{@code [text](other-page.md)}: a link to another page;
 *   <li>{@code @fig-ANCHOR} and {@code @tbl-ANCHOR} in text: a cross-reference to the figure {@code
 *       {#fig-ANCHOR}} or the table block {@code ```table {#tbl-ANCHOR}}, rendered as a marker that
 *       {@link CrossReferences} turns into "Figure N" once every page is numbered;
 *   <li>{@code {{exp:...}}}, {@code {{params:...}}}, {@code {{entry:...}}}: values read from the
 *       results ({@link ValueReferences}).
 * </ul>
 *
 * A reference to an unknown experiment or output is an error naming the page and line.
 */
public final class MarkdownRenderer {
  static final String SCHEME = "exp:";
  static final String MISSING_PREFIX = "#missing:";

  /** {@code @fig-x} or {@code @tbl-x}, not preceded by a word character (e-mail addresses). */
  static final Pattern CROSS_REFERENCE =
      Pattern.compile("(?<![\\w@])@((?:fig|tbl)-[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?)");

  private static final Pattern TABLE_INFO =
      Pattern.compile("table(?:\\s*\\{#(tbl-[A-Za-z0-9_-]+)\\})?");

  private final Parser parser;
  private final MutableDataSet options;
  private final MathRenderer math = new MathRenderer();

  public MarkdownRenderer() {
    options = new MutableDataSet();
    options.set(
        Parser.EXTENSIONS,
        List.of(TablesExtension.create(), AttributesExtension.create(), GitLabExtension.create()));
    options.set(GitLabExtension.INS_PARSER, false);
    options.set(GitLabExtension.DEL_PARSER, false);
    options.set(GitLabExtension.BLOCK_QUOTE_PARSER, false);
    options.set(HtmlRenderer.GENERATE_HEADER_ID, true);
    options.set(HtmlRenderer.RENDER_HEADER_ID, true);
    options.set(TablesExtension.CLASS_NAME, "data");
    parser = Parser.builder(options).build();
  }

  /**
   * Renders a page.
   *
   * @param pageSlugs slugs of all pages, so {@code other.md} links can be checked and rewritten
   * @param assets collects the output files the page uses, to be copied into the site
   * @throws RenderException naming the page and line of a bad reference or formula
   */
  public String render(PageSource page, ReportData data, Set<String> pageSlugs, Assets assets) {
    Document document = parser.parse(ValueReferences.substitute(page, page.markdown(), data));
    checkAnchors(page, document);
    Map<String, String> urls = new HashMap<>();
    Map<Node, String> blocks = new IdentityHashMap<>();
    for (Node node : document.getDescendants()) {
      int line = node.getStartLineNumber() + 1;
      if (node instanceof Image image) {
        resolveReference(page, line, image.getUrl().toString(), data, assets, urls);
      } else if (node instanceof Link link) {
        String url = link.getUrl().toString();
        if (url.startsWith(SCHEME)) {
          resolveReference(page, line, url, data, assets, urls);
        } else {
          resolvePageLink(page, line, url, pageSlugs, urls);
        }
      } else if (node instanceof FencedCodeBlock block) {
        String info = block.getInfo().toString().trim();
        Matcher table = TABLE_INFO.matcher(info);
        if (table.matches()) {
          String content = block.getContentChars().toString();
          blocks.put(block, table(page, line, content, table.group(1), data, assets));
        } else if (info.startsWith("table")) {
          throw new RenderException(
              page.file(), line, "a table block opens with ```table or ```table {#tbl-<anchor>}");
        } else if (info.equals("math")) {
          String tex = block.getContentChars().toString().trim();
          checkMath(page, line, tex);
          blocks.put(block, math.render(tex, true));
        }
      } else if (node instanceof GitLabInlineMath inline) {
        String tex = inline.getText().toString();
        checkMath(page, line, tex);
        blocks.put(inline, math.render(tex, false));
      } else if (node instanceof Text text
          && text.getAncestorOfType(Code.class, Link.class, Image.class) == null) {
        crossReferences(document, text).ifPresent(html -> blocks.put(text, html));
      }
    }
    HtmlRenderer renderer =
        HtmlRenderer.builder(options)
            .linkResolverFactory(new UrlMapFactory(urls))
            .nodeRendererFactory(o -> new SpecialBlocks(blocks))
            .build();
    return renderer.render(document);
  }

  /**
   * Every anchor of the page, a heading's or an explicit {@code {#id}}, names one place: a second
   * one with the same id is an error naming both lines (a link would reach only the first).
   */
  private void checkAnchors(PageSource page, Document document) {
    // Ids as the headings' text gives them, before the renderer makes repeats unique (-1, -2).
    document.set(HtmlRenderer.HEADER_ID_GENERATOR_RESOLVE_DUPES, false);
    new HeaderIdGenerator(document).generateIds(document);
    document.remove(HtmlRenderer.HEADER_ID_GENERATOR_RESOLVE_DUPES);
    Map<String, Integer> first = new HashMap<>();
    for (Node node : document.getDescendants()) {
      String id = null;
      if (node instanceof Heading heading) {
        id = heading.getAnchorRefId();
      } else if (node instanceof AttributeNode attribute && attribute.isId()) {
        id = attribute.getValue().toString();
      }
      if (id == null || id.isEmpty()) {
        continue;
      }
      int line = node.getStartLineNumber() + 1;
      Integer earlier = first.putIfAbsent(id, line);
      if (earlier != null && earlier != line) {
        throw new RenderException(
            page.file(),
            line,
            "anchor '#"
                + id
                + "' is already defined at line "
                + earlier
                + "; anchors must be unique");
      }
    }
  }

  /** The text's HTML with each cross-reference as a marker, or empty if it has none. */
  private static Optional<String> crossReferences(Document document, Text text) {
    String chars = text.getChars().toString();
    Matcher m = CROSS_REFERENCE.matcher(chars);
    if (!m.find()) {
      return Optional.empty();
    }
    StringBuilder html = new StringBuilder();
    int last = 0;
    do {
      int line = document.getLineNumber(text.getStartOffset() + m.start()) + 1;
      html.append(Html.escape(chars.substring(last, m.start())))
          .append(CrossReferences.marker(m.group(1), line));
      last = m.end();
    } while (m.find());
    html.append(Html.escape(chars.substring(last)));
    return Optional.of(html.toString());
  }

  private static void checkMath(PageSource page, int line, String tex) {
    try {
      MathRenderer.check(tex);
    } catch (IllegalArgumentException e) {
      throw new RenderException(page.file(), line, e.getMessage());
    }
  }

  private static void resolvePageLink(
      PageSource page, int line, String url, Set<String> pageSlugs, Map<String, String> urls) {
    if (url.contains("://") || url.startsWith("#") || url.startsWith("mailto:")) {
      return;
    }
    String path = url.split("#", 2)[0];
    if (path.endsWith(".md")) {
      String slug = path.substring(0, path.length() - 3);
      if (!pageSlugs.contains(slug)) {
        throw new RenderException(
            page.file(),
            line,
            "link to page '"
                + path
                + "', which is not in the content folder; pages are "
                + pageSlugs.stream()
                    .sorted()
                    .map(s -> s + ".md")
                    .collect(Collectors.joining(", ")));
      }
      urls.put(url, slug + ".html" + url.substring(path.length()));
    }
  }

  private static void resolveReference(
      PageSource page,
      int line,
      String url,
      ReportData data,
      Assets assets,
      Map<String, String> urls) {
    if (!url.startsWith(SCHEME)) {
      return;
    }
    Reference ref = Reference.parse(page.file(), line, url);
    Optional<String> missing = checkReference(page, line, ref, data);
    if (missing.isPresent()) {
      urls.put(url, MISSING_PREFIX + ref.id());
      return;
    }
    urls.put(url, assets.use(data.entries().get(ref.id()), ref.file()));
  }

  /** Empty if the output can be used; otherwise why the experiment has no entry. */
  static Optional<String> checkReference(
      PageSource page, int line, Reference ref, ReportData data) {
    CacheEntry entry = data.entries().get(ref.id());
    if (entry == null) {
      String why = data.missing().get(ref.id());
      if (why == null) {
        throw new RenderException(
            page.file(),
            line,
            "unknown experiment '"
                + ref.id()
                + "'; the manifest has "
                + String.join(", ", data.ids()));
      }
      return Optional.of(why);
    }
    Optional<OutputRecord> output = entry.output(ref.file());
    if (output.isEmpty()) {
      throw new RenderException(
          page.file(),
          line,
          "experiment '"
              + ref.id()
              + "' has no output '"
              + ref.file()
              + "'; it has "
              + entry.outputs().stream().map(OutputRecord::file).collect(Collectors.joining(", ")));
    }
    if (output.get().kind().isLarge()) {
      throw new RenderException(
          page.file(),
          line,
          "output '"
              + ref.file()
              + "' of '"
              + ref.id()
              + "' is a checkpoint, which the site does not publish");
    }
    return Optional.empty();
  }

  private static String table(
      PageSource page, int line, String content, String anchor, ReportData data, Assets assets) {
    String[] lines = content.strip().split("\n");
    String url = lines[0].trim();
    if (!url.startsWith(SCHEME)) {
      throw new RenderException(
          page.file(),
          line + 1,
          "a table block's first line must be exp:<id>/<file>.csv, got '" + url + "'");
    }
    String caption = "";
    for (int i = 1; i < lines.length; i++) {
      String l = lines[i].trim();
      if (l.startsWith("caption:")) {
        caption = l.substring("caption:".length()).trim();
      } else if (!l.isEmpty()) {
        throw new RenderException(
            page.file(), line + 1 + i, "unknown table option '" + l + "'; expected 'caption: ...'");
      }
    }
    Reference ref = Reference.parse(page.file(), line + 1, url);
    Optional<String> missing = checkReference(page, line + 1, ref, data);
    if (missing.isPresent()) {
      return Html.missing(ref.id(), missing.get(), anchor);
    }
    CacheEntry entry = data.entries().get(ref.id());
    OutputRecord output = entry.output(ref.file()).orElseThrow();
    if (output.kind() != OutputKind.TABLE && output.kind() != OutputKind.DATA
        || !ref.file().endsWith(".csv")) {
      throw new RenderException(
          page.file(), line + 1, "'" + ref.file() + "' of '" + ref.id() + "' is not a CSV table");
    }
    String csvUrl = assets.use(entry, ref.file());
    return Html.table(
        CsvTable.read(entry.dir().resolve(ref.file())), caption, csvUrl, entry, anchor);
  }

  /** {@code exp:ID/FILE}. */
  record Reference(String id, String file) {
    static Reference parse(Path page, int line, String url) {
      String rest = url.substring(SCHEME.length());
      int slash = rest.indexOf('/');
      if (slash <= 0 || slash == rest.length() - 1 || rest.indexOf('/', slash + 1) >= 0) {
        throw new RenderException(
            page,
            line,
            "reference '" + url + "' must have the form exp:<experiment id>/<output file>");
      }
      return new Reference(rest.substring(0, slash), rest.substring(slash + 1));
    }
  }

  /** Maps the URLs found while checking references to their site paths. */
  private record UrlMapFactory(Map<String, String> urls) implements LinkResolverFactory {
    @Override
    public Set<Class<?>> getAfterDependents() {
      return null;
    }

    @Override
    public Set<Class<?>> getBeforeDependents() {
      return null;
    }

    @Override
    public boolean affectsGlobalScope() {
      return false;
    }

    @Override
    public LinkResolver apply(LinkResolverBasicContext context) {
      return (node, ctx, link) -> {
        String mapped = urls.get(link.getUrl());
        return mapped == null ? link : link.withStatus(LinkStatus.VALID).withUrl(mapped);
      };
    }
  }

  /** Renders tables, math and cross-references from HTML prepared while checking the page. */
  private record SpecialBlocks(Map<Node, String> blocks) implements NodeRenderer {
    @Override
    public Set<NodeRenderingHandler<?>> getNodeRenderingHandlers() {
      return Set.of(
          new NodeRenderingHandler<>(FencedCodeBlock.class, this::render),
          new NodeRenderingHandler<>(GitLabInlineMath.class, this::render),
          new NodeRenderingHandler<>(Text.class, this::render));
    }

    private void render(Node node, NodeRendererContext context, HtmlWriter html) {
      String prepared = blocks.get(node);
      if (prepared == null) {
        context.delegateRender();
      } else {
        html.raw(prepared);
      }
    }
  }
}
