package dev.diffusionlab.report.site;

import com.vladsch.flexmark.ast.Code;
import com.vladsch.flexmark.ast.FencedCodeBlock;
import com.vladsch.flexmark.ast.Heading;
import com.vladsch.flexmark.ast.HtmlBlock;
import com.vladsch.flexmark.ast.HtmlInline;
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
import dev.diffusionlab.experiments.DeclaredOutput;
import dev.diffusionlab.experiments.OutputKind;
import dev.diffusionlab.report.CsvTable;
import dev.diffusionlab.run.CacheEntry;
import dev.diffusionlab.util.Suggestions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
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
 *   <li>the same as reference-style links ({@code [text][ref]} with {@code [ref]: exp:ID/FILE}) and
 *       in raw HTML ({@code <img src="exp:ID/FILE">}, {@code <a href="exp:ID/FILE">});
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
 * A reference to an unknown experiment or output is an error naming the page and line; {@link
 * #check} finds those errors before anything runs, against the outputs experiments declare.
 */
public final class MarkdownRenderer {
  static final String SCHEME = "exp:";
  static final String MISSING_PREFIX = "#missing:";
  private static final Pattern HTML_URL =
      Pattern.compile("(?i)\\b(?:src|href)\\s*=\\s*([\"'])(" + SCHEME + "[^\"']*)\\1");

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
    List<String> problems = new ArrayList<>();
    List<PageReference> refs = scan(page, document, problems);
    if (!problems.isEmpty()) {
      throw new RenderException(problems.get(0));
    }
    for (PageReference ref : refs) {
      switch (ref.use()) {
        case OUTPUT -> resolveReference(page, ref.line(), ref.url(), data, assets, urls);
        case PAGE -> resolvePageLink(page, ref.line(), ref.url(), pageSlugs, urls);
        case TABLE ->
            blocks.put(
                ref.node(),
                table(page, ref.line(), ref.url(), ref.caption(), ref.anchor(), data, assets));
      }
    }
    for (Node node : document.getDescendants()) {
      int line = node.getStartLineNumber() + 1;
      if (node instanceof FencedCodeBlock block
          && block.getInfo().toString().trim().equals("math")) {
        String tex = block.getContentChars().toString().trim();
        checkMath(page, line, tex);
        blocks.put(block, math.render(tex, true));
      } else if (node instanceof GitLabInlineMath inline) {
        String tex = inline.getText().toString();
        checkMath(page, line, tex);
        blocks.put(inline, math.render(tex, false));
      } else if (node instanceof HtmlBlock || node instanceof HtmlInline) {
        blocks.put(node, rewriteHtml(node.getChars().toString(), urls));
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

  /**
   * Checks a page's references before anything runs: the form of every reference and table block,
   * links to other pages, and that each referenced output is one its experiment has or declares.
   *
   * @return every problem found, each as {@code page:line: message}; empty if there is none
   */
  public List<String> check(PageSource page, Set<String> pageSlugs, OutputCatalog catalog) {
    List<String> problems = new ArrayList<>();
    Document document;
    try {
      document = parser.parse(ValueReferences.substituteParams(page, page.markdown(), catalog));
    } catch (RenderException e) {
      return List.of(e.getMessage());
    }
    for (PageReference ref : scan(page, document, problems)) {
      try {
        switch (ref.use()) {
          case OUTPUT, TABLE -> {
            Reference parsed = Reference.parse(page.file(), ref.line(), ref.url());
            referenceProblem(
                    parsed, ref.use() == Use.TABLE, catalog.ids(), catalog.outputs(parsed.id()))
                .ifPresent(p -> problems.add(located(page, ref.line(), p)));
          }
          case PAGE -> resolvePageLink(page, ref.line(), ref.url(), pageSlugs, new HashMap<>());
        }
      } catch (RenderException e) {
        problems.add(e.getMessage());
      }
    }
    return problems;
  }

  /**
   * The outputs the pages may reference, known before anything runs: per experiment id, the files
   * its entry has or its type declares.
   */
  public interface OutputCatalog {
    /** Every experiment id of the manifest. */
    Collection<String> ids();

    /** The outputs of {@code id}; empty when not known before it runs. */
    Optional<List<DeclaredOutput>> outputs(String id);

    /** The params of {@code id} as its entry records them; empty when not known. */
    default Optional<com.fasterxml.jackson.databind.JsonNode> params(String id) {
      return Optional.empty();
    }
  }

  /** How a page uses a URL it names. */
  enum Use {
    /** An image, link or raw HTML attribute naming {@code exp:ID/FILE}. */
    OUTPUT,
    /** A {@code ```table} block whose first line is {@code exp:ID/FILE.csv}. */
    TABLE,
    /** A link to another page or anything else that is not an output. */
    PAGE
  }

  /** One URL a page names, where, and how it is used. */
  record PageReference(Node node, int line, String url, Use use, String caption, String anchor) {}

  /**
   * Every reference of a page, in document order: inline and reference-style links and images, raw
   * HTML {@code src}/{@code href} attributes, and table blocks. Malformed table blocks are added to
   * {@code problems}.
   */
  private static List<PageReference> scan(
      PageSource page, Document document, List<String> problems) {
    List<PageReference> refs = new ArrayList<>();
    for (Node node : document.getDescendants()) {
      int line = node.getStartLineNumber() + 1;
      if (node instanceof Image image) {
        String url = image.getUrl().toString();
        if (url.startsWith(SCHEME)) {
          refs.add(new PageReference(node, line, url, Use.OUTPUT, "", ""));
        }
      } else if (node instanceof Link || node instanceof com.vladsch.flexmark.ast.Reference) {
        String url =
            node instanceof Link link
                ? link.getUrl().toString()
                : ((com.vladsch.flexmark.ast.Reference) node).getUrl().toString();
        refs.add(
            new PageReference(
                node, line, url, url.startsWith(SCHEME) ? Use.OUTPUT : Use.PAGE, "", ""));
      } else if (node instanceof HtmlBlock || node instanceof HtmlInline) {
        String html = node.getChars().toString();
        Matcher m = HTML_URL.matcher(html);
        while (m.find()) {
          int offset = (int) html.substring(0, m.start()).chars().filter(c -> c == '\n').count();
          refs.add(new PageReference(node, line + offset, m.group(2), Use.OUTPUT, "", ""));
        }
      } else if (node instanceof FencedCodeBlock block
          && block.getInfo().toString().trim().startsWith("table")) {
        Matcher info = TABLE_INFO.matcher(block.getInfo().toString().trim());
        if (info.matches()) {
          tableBlock(page, block, line, info.group(1), problems).ifPresent(refs::add);
        } else {
          problems.add(
              located(page, line, "a table block opens with ```table or ```table {#tbl-<anchor>}"));
        }
      }
    }
    return refs;
  }

  /** A table block's reference and caption, or empty after adding its problems. */
  private static Optional<PageReference> tableBlock(
      PageSource page, FencedCodeBlock block, int line, String anchor, List<String> problems) {
    String[] lines = block.getContentChars().toString().strip().split("\n");
    String url = lines[0].trim();
    if (!url.startsWith(SCHEME)) {
      problems.add(
          located(
              page,
              line + 1,
              "a table block's first line must be exp:<id>/<file>.csv, got '" + url + "'"));
      return Optional.empty();
    }
    String caption = "";
    boolean ok = true;
    for (int i = 1; i < lines.length; i++) {
      String l = lines[i].trim();
      if (l.startsWith("caption:")) {
        caption = l.substring("caption:".length()).trim();
      } else if (!l.isEmpty()) {
        problems.add(
            located(
                page, line + 1 + i, "unknown table option '" + l + "'; expected 'caption: ...'"));
        ok = false;
      }
    }
    return ok
        ? Optional.of(new PageReference(block, line + 1, url, Use.TABLE, caption, anchor))
        : Optional.empty();
  }

  private static String located(PageSource page, int line, String message) {
    return new RenderException(page.file(), line, message).getMessage();
  }

  /** Raw HTML with its {@code exp:} URLs replaced by the site paths they resolved to. */
  private static String rewriteHtml(String html, Map<String, String> urls) {
    Matcher m = HTML_URL.matcher(html);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String mapped = urls.getOrDefault(m.group(2), m.group(2));
      String attribute = m.group().substring(0, m.start(2) - m.start());
      m.appendReplacement(out, Matcher.quoteReplacement(attribute + mapped + m.group(1)));
    }
    m.appendTail(out);
    return out.toString();
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
    Optional<String> missing = checkReference(page, line, ref, data, false);
    if (missing.isPresent()) {
      urls.put(url, MISSING_PREFIX + ref.id());
      return;
    }
    urls.put(url, assets.use(data.entries().get(ref.id()), ref.file()));
  }

  /** Empty if the output can be used; otherwise why the experiment has no entry. */
  static Optional<String> checkReference(
      PageSource page, int line, Reference ref, ReportData data) {
    return checkReference(page, line, ref, data, false);
  }

  private static Optional<String> checkReference(
      PageSource page, int line, Reference ref, ReportData data, boolean table) {
    CacheEntry entry = data.entries().get(ref.id());
    if (entry == null && data.missing().containsKey(ref.id())) {
      return Optional.of(data.missing().get(ref.id()));
    }
    Optional<List<DeclaredOutput>> outputs =
        Optional.ofNullable(entry)
            .map(
                e ->
                    e.outputs().stream()
                        .map(o -> new DeclaredOutput(o.file(), o.kind(), o.description()))
                        .toList());
    Optional<String> problem = referenceProblem(ref, table, data.ids(), outputs);
    if (problem.isPresent()) {
      throw new RenderException(page.file(), line, problem.get());
    }
    return Optional.empty();
  }

  /**
   * What is wrong with a reference, if anything: an unknown experiment, an output it does not have
   * (when its outputs are known), a checkpoint, or a table that is not a CSV file.
   */
  private static Optional<String> referenceProblem(
      Reference ref,
      boolean table,
      Collection<String> ids,
      Optional<List<DeclaredOutput>> outputs) {
    if (!ids.contains(ref.id())) {
      return Optional.of(
          "unknown experiment '"
              + ref.id()
              + "'"
              + Suggestions.didYouMean(ref.id(), ids)
              + "; the manifest has "
              + String.join(", ", ids.stream().sorted().toList()));
    }
    if (outputs.isEmpty() || outputs.get().isEmpty()) {
      return Optional.empty();
    }
    Optional<DeclaredOutput> output =
        outputs.get().stream().filter(o -> o.matches(ref.file())).findFirst();
    if (output.isEmpty()) {
      List<String> names = outputs.get().stream().map(DeclaredOutput::name).toList();
      return Optional.of(
          "experiment '"
              + ref.id()
              + "' has no output '"
              + ref.file()
              + "'"
              + Suggestions.didYouMean(ref.file(), names)
              + "; it has "
              + String.join(", ", names));
    }
    if (output.get().kind().isLarge()) {
      return Optional.of(
          "output '"
              + ref.file()
              + "' of '"
              + ref.id()
              + "' is a checkpoint, which the site does not publish");
    }
    OutputKind kind = output.get().kind();
    if (table
        && (kind != OutputKind.TABLE && kind != OutputKind.DATA || !ref.file().endsWith(".csv"))) {
      return Optional.of("'" + ref.file() + "' of '" + ref.id() + "' is not a CSV table");
    }
    return Optional.empty();
  }

  private static String table(
      PageSource page,
      int line,
      String url,
      String caption,
      String anchor,
      ReportData data,
      Assets assets) {
    Reference ref = Reference.parse(page.file(), line, url);
    Optional<String> missing = checkReference(page, line, ref, data, true);
    if (missing.isPresent()) {
      return Html.missing(ref.id(), missing.get(), anchor);
    }
    CacheEntry entry = data.entries().get(ref.id());
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
          new NodeRenderingHandler<>(HtmlBlock.class, this::render),
          new NodeRenderingHandler<>(HtmlInline.class, this::render),
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
