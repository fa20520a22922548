package dev.diffusionlab.report.site;

import dev.diffusionlab.util.ProjectPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.thymeleaf.TemplateEngine;
import org.thymeleaf.context.Context;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.FileTemplateResolver;

/**
 * Writes the static site: every Markdown page of {@code content/} laid out by the Thymeleaf
 * template {@code templates/page.html}, a generated page of experiment provenance, the output files
 * the pages use, and {@code templates/static/}. All links are relative, so the site works from
 * {@code file://} and from any web server path.
 */
public final class SiteBuilder {
  /** A file that marks a folder as a generated site, so a rebuild may clear it. */
  static final String MARKER = ".diffusion-lab-site";

  static final String EXPERIMENTS_SLUG = "experiments";

  private final Path contentDir;
  private final Path templatesDir;

  public SiteBuilder(Path contentDir, Path templatesDir) {
    this.contentDir = contentDir;
    this.templatesDir = templatesDir;
  }

  /** A page in the navigation. */
  public record NavItem(String href, String title, boolean active) {}

  /** A heading in a page's table of contents. */
  public record TocItem(String id, String text, int level) {}

  /**
   * Builds the site into {@code out}.
   *
   * @return the pages written, site-relative
   * @throws RenderException for a bad reference, formula or page
   * @throws IllegalStateException if {@code out} exists, is not empty and is not a generated site
   */
  public List<String> build(ReportData data, Path out) {
    return build(data, out, null);
  }

  /**
   * Builds the site into {@code out}; with {@code siteUrl} (the address it is published at) also
   * its {@code sitemap.xml}.
   *
   * @return the pages written, site-relative
   */
  public List<String> build(ReportData data, Path out, String siteUrl) {
    siteUrlProblem(siteUrl)
        .ifPresent(
            problem -> {
              throw new IllegalArgumentException(problem);
            });
    List<PageSource> pages = readPages();
    Set<String> slugs =
        pages.stream().map(PageSource::slug).collect(Collectors.toCollection(HashSet::new));
    slugs.add(EXPERIMENTS_SLUG);
    MarkdownRenderer markdown = new MarkdownRenderer();
    Assets assets = new Assets();
    Map<PageSource, String> bodies = new LinkedHashMap<>();
    for (PageSource page : pages) {
      bodies.put(page, markdown.render(page, data, slugs, assets));
    }
    Map<PageSource, Document> documents = new LinkedHashMap<>();
    Map<PageSource, List<Figures.Numbered>> figures = new LinkedHashMap<>();
    for (Map.Entry<PageSource, String> page : bodies.entrySet()) {
      Document body = Jsoup.parseBodyFragment(page.getValue());
      documents.put(page.getKey(), body);
      figures.put(page.getKey(), Figures.decorate(body, data, assets));
    }
    CrossReferences references = new CrossReferences(figures);
    documents.forEach(references::resolve);
    documents.values().forEach(SiteBuilder::wrapWide);
    SearchIndex search = new SearchIndex();
    documents.forEach((page, body) -> search.add(page.slug(), page.title(), body));
    TemplateEngine engine = templateEngine();
    Map<String, Path> staticFiles = staticFiles();
    prepareOutput(out);
    Set<String> written = new HashSet<>();
    try {
      for (Map.Entry<PageSource, Document> page : documents.entrySet()) {
        PageSource source = page.getKey();
        Document body = page.getValue();
        List<TocItem> toc = toc(body);
        String html =
            layout(engine, data, pages, source.slug(), source.title(), body.body().html(), toc);
        write(out, source.slug() + ".html", html, written);
      }
      Document provenance =
          Jsoup.parseBodyFragment(ProvenancePage.html(data, references.byExperiment()));
      wrapWide(provenance);
      search.add(EXPERIMENTS_SLUG, "Experiments", provenance);
      String html =
          layout(
              engine,
              data,
              pages,
              EXPERIMENTS_SLUG,
              "Experiments",
              provenance.body().html(),
              toc(provenance));
      write(out, EXPERIMENTS_SLUG + ".html", html, written);
      write(
          out,
          "404.html",
          layout(engine, data, pages, "404", "Page not found", NOT_FOUND, List.of()),
          written);
      write(out, SearchIndex.FILE, search.script(), written);
      if (siteUrl != null) {
        List<String> urls = new ArrayList<>();
        documents.keySet().forEach(page -> urls.add(page.slug() + ".html"));
        urls.add(EXPERIMENTS_SLUG + ".html");
        write(out, "sitemap.xml", sitemap(siteUrl, urls), written);
      }
      assets.copyInto(out);
      written.addAll(assets.urls());
      copyStatic(out, staticFiles, written);
      write(out, MARKER, "generated by diffusion-lab; rebuilt on every build\n", written);
      write(out, ".nojekyll", "", written);
      removeStale(out, written);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the site to " + out, e);
    }
    return written.stream()
        .filter(p -> p.endsWith(".html") && !p.equals("404.html"))
        .sorted()
        .toList();
  }

  /**
   * Checks every page's references against what the experiments have or declare, before anything
   * runs.
   *
   * @return every problem found, each naming page and line; empty if there is none
   */
  public List<String> checkPages(MarkdownRenderer.OutputCatalog catalog) {
    List<String> problems = new ArrayList<>();
    List<PageSource> pages;
    try {
      pages = readPages();
    } catch (RenderException e) {
      return List.of(e.getMessage());
    }
    Set<String> slugs =
        pages.stream().map(PageSource::slug).collect(Collectors.toCollection(HashSet::new));
    slugs.add(EXPERIMENTS_SLUG);
    MarkdownRenderer markdown = new MarkdownRenderer();
    for (PageSource page : pages) {
      problems.addAll(markdown.check(page, slugs, catalog));
    }
    return problems;
  }

  /**
   * Why the site may not be written to {@code out}, if it may not: only a missing or empty folder
   * or one made by diffusion-lab is ever cleared.
   */
  public static java.util.Optional<String> outputFolderProblem(Path out) {
    if (Files.exists(out) && !Files.isDirectory(out)) {
      return java.util.Optional.of(out + " is a file, not a folder");
    }
    if (Files.isDirectory(out) && !Files.exists(out.resolve(MARKER))) {
      try (Stream<Path> children = Files.list(out)) {
        if (children.findAny().isPresent()) {
          return java.util.Optional.of(
              out
                  + " is not empty and was not made by diffusion-lab;"
                  + " choose an empty or new folder with --out");
        }
      } catch (IOException e) {
        return java.util.Optional.of("cannot read " + out + ": " + e.getMessage());
      }
    }
    return java.util.Optional.empty();
  }

  private static final String NOT_FOUND =
      "<p>There is no page at this address. The report's pages are in the menu above;"
          + " <a href=\"index.html\">the first page</a> has an overview.</p>";

  /**
   * Why {@code siteUrl} cannot be the site's address, if it cannot: it must be an absolute {@code
   * http} or {@code https} URL without a query or fragment. Null (no address) is fine.
   */
  public static java.util.Optional<String> siteUrlProblem(String siteUrl) {
    if (siteUrl == null) {
      return java.util.Optional.empty();
    }
    try {
      java.net.URI uri = new java.net.URI(siteUrl);
      if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
          || uri.getHost() == null
          || uri.getQuery() != null
          || uri.getFragment() != null) {
        return java.util.Optional.of(
            "'" + siteUrl + "' is not an http(s) address such as https://example.org/report/");
      }
    } catch (java.net.URISyntaxException e) {
      return java.util.Optional.of("'" + siteUrl + "' is not a URL: " + e.getReason());
    }
    return java.util.Optional.empty();
  }

  /** A sitemap listing {@code pages} (site-relative) under {@code siteUrl}. */
  static String sitemap(String siteUrl, List<String> pages) {
    String base = siteUrl.endsWith("/") ? siteUrl : siteUrl + "/";
    StringBuilder xml =
        new StringBuilder(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (String page : pages) {
      xml.append("  <url><loc>").append(Html.escape(base + page)).append("</loc></url>\n");
    }
    return xml.append("</urlset>\n").toString();
  }

  /** Puts tables that are not already in a scrolling figure into a container that scrolls. */
  private static void wrapWide(Document body) {
    for (Element table : body.select("table")) {
      Element parent = table.parent();
      if (parent != null && !parent.hasClass("table") && !parent.hasClass("scroll")) {
        table.wrap("<div class=\"scroll\"></div>");
      }
    }
  }

  private List<PageSource> readPages() {
    List<PageSource> pages = new ArrayList<>();
    try (Stream<Path> files = Files.list(contentDir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".md")).sorted().toList()) {
        ProjectPaths.confined(contentDir, file);
        pages.add(PageSource.read(file));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list pages in " + contentDir, e);
    }
    if (pages.stream().noneMatch(p -> p.slug().equals("index"))) {
      throw new RenderException(
          contentDir.resolve("index.md"), 0, "missing: the site needs an index.md page");
    }
    if (pages.stream().anyMatch(p -> p.slug().equals(EXPERIMENTS_SLUG))) {
      throw new RenderException(
          contentDir.resolve(EXPERIMENTS_SLUG + ".md"),
          0,
          "this page name is reserved for the generated provenance page");
    }
    pages.sort(Comparator.comparingInt(PageSource::order).thenComparing(PageSource::slug));
    return pages;
  }

  private TemplateEngine templateEngine() {
    if (!Files.isRegularFile(templatesDir.resolve("page.html"))) {
      throw new RenderException(templatesDir.resolve("page.html"), 0, "template not found");
    }
    ProjectPaths.confined(templatesDir, templatesDir.resolve("page.html"));
    FileTemplateResolver resolver = new FileTemplateResolver();
    resolver.setPrefix(templatesDir.toAbsolutePath() + "/");
    resolver.setSuffix(".html");
    resolver.setTemplateMode(TemplateMode.HTML);
    resolver.setCharacterEncoding("UTF-8");
    resolver.setCacheable(false);
    TemplateEngine engine = new TemplateEngine();
    engine.setTemplateResolver(resolver);
    return engine;
  }

  private static String layout(
      TemplateEngine engine,
      ReportData data,
      List<PageSource> pages,
      String slug,
      String title,
      String content,
      List<TocItem> toc) {
    List<NavItem> nav = new ArrayList<>();
    for (PageSource page : pages) {
      nav.add(new NavItem(page.slug() + ".html", page.title(), page.slug().equals(slug)));
    }
    nav.add(new NavItem(EXPERIMENTS_SLUG + ".html", "Experiments", EXPERIMENTS_SLUG.equals(slug)));
    Context context = new Context(Locale.ROOT);
    context.setVariable("siteTitle", data.title());
    context.setVariable("pageTitle", title);
    context.setVariable("nav", nav);
    context.setVariable("toc", toc);
    context.setVariable("content", content);
    context.setVariable("profile", data.profile());
    context.setVariable("experimentCount", data.entries().size());
    return engine.process("page", context);
  }

  private static List<TocItem> toc(Document body) {
    List<TocItem> toc = new ArrayList<>();
    for (Element heading : body.select("h2[id], h3[id]")) {
      heading
          .appendElement("a")
          .addClass("anchor")
          .attr("href", "#" + heading.id())
          .attr("aria-label", "link to this section")
          .text("#");
      toc.add(new TocItem(heading.id(), heading.ownText(), heading.tagName().equals("h2") ? 2 : 3));
    }
    return toc;
  }

  /**
   * Checks that {@code out} may be written: a new or empty folder, or one made by diffusion-lab,
   * with no symbolic link in it (the site writer never writes or deletes through a link).
   */
  private static void prepareOutput(Path out) {
    outputFolderProblem(out)
        .ifPresent(
            problem -> {
              throw new IllegalStateException(problem);
            });
    try {
      if (Files.isSymbolicLink(out)) {
        throw new ProjectPaths.EscapeException(
            out + " is a symbolic link; give the site's real folder with --out");
      }
      if (Files.isDirectory(out)) {
        try (Stream<Path> files = Files.walk(out)) {
          for (Path file : files.toList()) {
            ProjectPaths.withoutLinks(out, file);
          }
        }
      }
      if (Files.isDirectory(out) && !Files.exists(out.resolve(MARKER))) {
        try (Stream<Path> children = Files.list(out)) {
          if (children.findAny().isPresent()) {
            throw new IllegalStateException(
                out
                    + " is not empty and was not made by diffusion-lab;"
                    + " choose an empty or new folder with --out");
          }
        }
      }
      Files.createDirectories(out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + out, e);
    }
  }

  /** Site-relative path → file of {@code templates/static/}, each checked to lie inside it. */
  private Map<String, Path> staticFiles() {
    Map<String, Path> files = new LinkedHashMap<>();
    Path staticDir = templatesDir.resolve("static");
    if (!Files.isDirectory(staticDir)) {
      return files;
    }
    ProjectPaths.confined(templatesDir, staticDir);
    try (Stream<Path> walk = Files.walk(staticDir)) {
      for (Path file : walk.filter(Files::isRegularFile).toList()) {
        ProjectPaths.confined(staticDir, file);
        files.put("static/" + staticDir.relativize(file).toString().replace('\\', '/'), file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + staticDir, e);
    }
    return files;
  }

  private static void copyStatic(Path out, Map<String, Path> files, Set<String> written)
      throws IOException {
    for (Map.Entry<String, Path> file : files.entrySet()) {
      Path target = ProjectPaths.withoutLinks(out, out.resolve(file.getKey()));
      Files.createDirectories(target.getParent());
      Files.copy(file.getValue(), target, StandardCopyOption.REPLACE_EXISTING);
      written.add(file.getKey());
    }
  }

  private static void write(Path out, String relative, String text, Set<String> written)
      throws IOException {
    Path target = ProjectPaths.withoutLinks(out, out.resolve(relative));
    Files.createDirectories(target.getParent());
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (!Files.isRegularFile(target)
        || !java.util.Arrays.equals(Files.readAllBytes(target), bytes)) {
      Files.write(target, bytes);
    }
    written.add(relative);
  }

  private static void removeStale(Path out, Set<String> written) throws IOException {
    try (Stream<Path> files = Files.walk(out)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        String relative = out.relativize(file).toString().replace('\\', '/');
        if (!written.contains(relative)) {
          Files.delete(file);
        }
      }
    }
    try (Stream<Path> dirs = Files.walk(out)) {
      for (Path dir : dirs.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList()) {
        if (!dir.equals(out)) {
          try (Stream<Path> left = Files.list(dir)) {
            if (left.findAny().isEmpty()) {
              Files.delete(dir);
            }
          }
        }
      }
    }
  }
}
