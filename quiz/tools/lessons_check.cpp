// wslab_lessons_check: keeps the lessons' code from rotting.
//   --only cpp    every ```cpp block is compiled with g++ -std=c++20 against core's
//                 headers (and linked with wslab_core when it has a main); blocks
//                 marked `runnable` are run and their output must equal the next
//                 block, a ```text output block.
//   --only shell  every `wslab ...` command in ```console / ```sh blocks must name
//                 existing subcommands and flags (checked against `wslab <cmd> --help`).
// Exit status 0 when everything passes; each failure is printed as FILE:LINE: message.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "wslab/quiz/lint.hpp"
#include "wslab/quiz/process.hpp"
#include "wslab/quiz/snippets.hpp"

namespace {

using namespace wslab::quiz;

struct Options {
  std::vector<std::string> files;
  std::string only;
  std::string wslab;
  std::string cxx = "g++";
  std::vector<std::string> cxxflags;
  std::vector<std::string> links;
  std::string workdir;
};

int g_failures = 0;
int g_skips = 0;

void fail(const std::string& file, int line, const std::string& msg) {
  std::fprintf(stderr, "%s:%d: error: %s\n", file.c_str(), line, msg.c_str());
  ++g_failures;
}

std::string normalise_output(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  std::vector<std::string> lines;
  while (std::getline(in, line)) {
    const auto end = line.find_last_not_of(" \t\r");
    lines.push_back(end == std::string::npos ? "" : line.substr(0, end + 1));
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  while (!lines.empty() && lines.front().empty()) lines.erase(lines.begin());
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

std::string indent(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  std::string out;
  int n = 0;
  while (std::getline(in, line) && n++ < 40) out += "\n    " + line;
  return out;
}

// ---- C++ ------------------------------------------------------------------

void check_cpp(const Options& opt, const std::vector<CodeBlock>& blocks, std::size_t i,
               std::set<std::string>& titles) {
  const CodeBlock& b = blocks[i];
  const std::string title = b.attr("title");
  if (title.empty()) {
    fail(b.file, b.line, "a ```cpp block needs title=NAME.cpp (see lessons/README.md)");
    return;
  }
  if (!titles.insert(title).second) {
    fail(b.file, b.line, "title=" + title + " is used twice");
  }
  const bool has_main = b.body.find("int main(") != std::string::npos;
  const bool runnable = b.has_flag("runnable");
  if (runnable && !has_main) {
    fail(b.file, b.line, title + ": marked runnable but has no int main()");
    return;
  }
  if (!has_main) {
    // A fragment (declarations, a function): compile it, nothing to link.
    const std::string src =
        (std::filesystem::path(opt.workdir) / std::filesystem::path(title).filename()).string();
    {
      std::ofstream out(src, std::ios::binary);
      out << b.body;
    }
    std::vector<std::string> cmd = {opt.cxx};
    cmd.insert(cmd.end(), opt.cxxflags.begin(), opt.cxxflags.end());
    cmd.insert(cmd.end(), {"-fsyntax-only", src});
    const ProcessResult r = run_process(cmd, 120000);
    if (!r.ok()) fail(b.file, b.line, title + " does not compile:" + indent(r.err + r.error));
    std::printf("ok   %s:%d %s (compiled)\n", b.file.c_str(), b.line, title.c_str());
    return;
  }
  TracingOptions topt;
  topt.cxx = opt.cxx;
  topt.flags = opt.cxxflags;
  topt.link_flags = opt.links;
  topt.compile_timeout_ms = 120000;
  const TracingRun run = compile_and_run(b.body, topt);
  if (!run.compiled) {
    fail(b.file, b.line, title + " does not compile:" + indent(run.compiler_output));
    return;
  }
  if (!runnable) {
    std::printf("ok   %s:%d %s (compiled and linked)\n", b.file.c_str(), b.line, title.c_str());
    return;
  }
  if (!run.ran_ok) {
    fail(b.file, b.line, title + " does not run cleanly (" + run.run_problem + ")");
    return;
  }
  if (i + 1 >= blocks.size() || blocks[i + 1].lang != "text" || !blocks[i + 1].has_flag("output")) {
    fail(b.file, b.line, title + " is runnable, so the next block must be its ```text output");
    return;
  }
  const std::string expected = normalise_output(blocks[i + 1].body);
  const std::string actual = normalise_output(run.stdout_text);
  if (expected != actual) {
    // Show the first line that differs, with its number, then both texts.
    std::istringstream e(expected);
    std::istringstream a(actual);
    std::string el;
    std::string al;
    int n = 0;
    for (;;) {
      ++n;
      const bool more_e = static_cast<bool>(std::getline(e, el));
      const bool more_a = static_cast<bool>(std::getline(a, al));
      if (!more_e && !more_a) break;
      if (!more_e) el = "(end of expected output)";
      if (!more_a) al = "(end of actual output)";
      if (el != al || !more_e || !more_a) break;
    }
    fail(blocks[i + 1].file, blocks[i + 1].line,
         title + " prints something else; first difference on output line " + std::to_string(n) +
             ":\n  expected: " + el + "\n  actual:   " + al +
             "\n  whole actual output:" + indent(actual));
    return;
  }
  std::printf("ok   %s:%d %s (ran, output matches)\n", b.file.c_str(), b.line, title.c_str());
}

// ---- shell ------------------------------------------------------------------

struct Help {
  bool exists = false;
  bool placeholder = false;
  std::set<std::string> options;      // "--port", "-p"
  std::set<std::string> subcommands;  // "lint"
};

Help parse_help(const ProcessResult& r) {
  Help h;
  h.exists = r.ok();
  const std::string& text = r.out;
  // A placeholder subcommand's description (the first line) is "(not built yet)".
  h.placeholder = text.rfind("(not built yet)", 0) == 0;
  std::istringstream in(text);
  std::string line;
  enum { kNone, kOptions, kSubcommands } section = kNone;
  while (std::getline(in, line)) {
    if (line.rfind("Options:", 0) == 0) {
      section = kOptions;
      continue;
    }
    if (line.rfind("Subcommands:", 0) == 0) {
      section = kSubcommands;
      continue;
    }
    if (!line.empty() && line[0] != ' ') {
      section = kNone;
      continue;
    }
    const auto start = line.find_first_not_of(' ');
    if (start == std::string::npos) continue;
    const std::string first = line.substr(start, line.find(' ', start) - start);
    if (section == kOptions && first[0] == '-') {
      std::stringstream ss(first);  // "-p,--port"
      std::string name;
      while (std::getline(ss, name, ',')) h.options.insert(name.substr(0, name.find('=')));
    } else if (section == kSubcommands && start <= 4) {
      h.subcommands.insert(first);
    }
  }
  return h;
}

class HelpCache {
 public:
  explicit HelpCache(std::string wslab) : wslab_(std::move(wslab)) {}
  const Help& get(const std::vector<std::string>& path) {
    std::string key;
    for (const auto& p : path) key += p + " ";
    auto it = cache_.find(key);
    if (it != cache_.end()) return it->second;
    std::vector<std::string> argv = {wslab_};
    argv.insert(argv.end(), path.begin(), path.end());
    argv.push_back("--help");
    return cache_[key] = parse_help(run_process(argv, 20000));
  }

 private:
  std::string wslab_;
  std::map<std::string, Help> cache_;
};

void check_command(HelpCache& helps, const WslabCommand& c) {
  std::vector<std::string> path;
  std::vector<const Help*> levels = {&helps.get(path)};
  if (!levels.back()->exists) {
    fail(c.file, c.line, "`wslab --help` does not run");
    return;
  }
  bool subcommand_named = false;
  for (const auto& w : c.words) {
    const Help& here = *levels.back();
    if (here.placeholder) {
      std::printf("skip %s:%d `wslab %s` is a placeholder in this build\n", c.file.c_str(), c.line,
                  path.empty() ? "" : path.front().c_str());
      ++g_skips;
      return;
    }
    if (w.size() > 1 && w[0] == '-') {
      const std::string name = w.substr(0, w.find('='));
      const bool known = std::any_of(levels.begin(), levels.end(),
                                     [&](const Help* h) { return h->options.count(name) > 0; });
      if (!known) {
        std::string cmd = "wslab";
        for (const auto& p : path) cmd += " " + p;
        fail(c.file, c.line, "`" + cmd + "` has no option " + name + " (in: " + c.text + ")");
        return;
      }
      continue;
    }
    if (here.subcommands.count(w) > 0) {
      path.push_back(w);
      levels.push_back(&helps.get(path));
      subcommand_named = true;
      if (!levels.back()->exists) {
        fail(c.file, c.line, "`wslab " + w + " --help` fails");
        return;
      }
      continue;
    }
    if (!subcommand_named) {
      fail(c.file, c.line, "`" + w + "` is not a wslab subcommand (in: " + c.text + ")");
      return;
    }
  }
  if (!subcommand_named && std::none_of(c.words.begin(), c.words.end(), [](const std::string& w) {
        return w == "--help" || w == "--version";
      })) {
    fail(c.file, c.line, "`wslab` without a subcommand (in: " + c.text + ")");
    return;
  }
  if (levels.back()->placeholder) {
    std::printf("skip %s:%d `%s`: placeholder in this build\n", c.file.c_str(), c.line,
                c.text.c_str());
    ++g_skips;
    return;
  }
  std::printf("ok   %s:%d %s\n", c.file.c_str(), c.line, c.text.c_str());
}

// ---- links -----------------------------------------------------------------

// mdBook's heading ids: lower case, letters/digits/'-'/'_' kept, spaces to '-'.
std::string slug(const std::string& heading) {
  std::string out;
  for (char c : heading) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0 || c == '-' || c == '_') {
      out += static_cast<char>(std::tolower(u));
    } else if (c == ' ') {
      out += '-';
    } else if (u >= 0x80) {
      out += c;  // keep UTF-8 letters as mdBook does
    }
  }
  return out;
}

std::set<std::string> heading_slugs(const std::string& markdown) {
  std::set<std::string> out;
  std::istringstream in(markdown);
  std::string line;
  bool fenced = false;
  while (std::getline(in, line)) {
    if (line.rfind("```", 0) == 0 || line.rfind("~~~", 0) == 0) fenced = !fenced;
    if (fenced || line.empty() || line[0] != '#') continue;
    const auto text = line.find_first_not_of('#');
    if (text == std::string::npos || line[text] != ' ') continue;
    out.insert(slug(line.substr(text + 1)));
  }
  return out;
}

// Every "lesson" link of the harness's cases (`wslab conform --list --format json`)
// must name a lesson file given here and one of its headings; every
// {{#quiz ...}} include must name an existing quiz file.
int check_links(const Options& opt) {
  std::map<std::string, std::set<std::string>> slugs;  // "lessons/02-handshake.md" -> ids
  std::map<std::string, std::string> links_in;         // file -> its text
  for (const auto& file : opt.files) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    slugs["lessons/" + std::filesystem::path(file).filename().string()] = heading_slugs(text);
    links_in[file] = text;
    std::size_t at = 0;
    while ((at = text.find("{{#quiz ", at)) != std::string::npos) {
      const auto end = text.find("}}", at);
      const std::string rel = text.substr(at + 8, end - at - 8);
      at = end;
      if (rel.size() < 5 || rel.substr(rel.size() - 5) != ".toml") continue;  // prose about it
      const auto target = std::filesystem::path(file).parent_path() / rel;
      if (!std::filesystem::exists(target)) fail(file, 0, "{{#quiz " + rel + "}}: no such file");
      std::printf("ok   %s includes %s\n", file.c_str(), rel.c_str());
    }
  }
  // Markdown links between the files given: [text](02-handshake.md#anchor).
  for (const auto& [file, text] : links_in) {
    std::size_t at = 0;
    while ((at = text.find("](", at)) != std::string::npos) {
      const auto end = text.find(')', at);
      if (end == std::string::npos) break;
      const std::string target = text.substr(at + 2, end - at - 2);
      at = end;
      if (target.find("://") != std::string::npos || target.empty() || target[0] == '#') continue;
      const auto hash = target.find('#');
      const std::string path = target.substr(0, hash);
      const auto resolved = (std::filesystem::path(file).parent_path() / path).lexically_normal();
      const std::string key = "lessons/" + resolved.filename().string();
      const bool is_lesson = resolved.parent_path().filename() == "lessons" && slugs.count(key) > 0;
      if (!is_lesson) {
        if (!std::filesystem::exists(resolved)) {
          std::printf("note %s: link to %s, which does not exist (yet)\n", file.c_str(),
                      target.c_str());
        }
        continue;
      }
      if (hash != std::string::npos && slugs[key].count(target.substr(hash + 1)) == 0) {
        fail(file, 0, "link " + target + ": the lesson has no such heading");
      }
    }
  }
  const ProcessResult r = run_process({opt.wslab, "conform", "--list", "--format", "json"}, 60000);
  if (!r.ok() || r.out.empty() || r.out[0] != '{') {
    std::printf("skip: `wslab conform --list --format json` is not available in this build\n");
    return g_failures == 0 ? 77 : 1;
  }
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(r.out);
  } catch (const nlohmann::json::exception& e) {
    std::fprintf(stderr, "cannot parse the case list: %s\n", e.what());
    return 1;
  }
  std::set<std::string> links;
  for (const auto& c : doc.value("cases", nlohmann::json::array())) {
    if (c.contains("lesson") && c["lesson"].is_string())
      links.insert(c["lesson"].get<std::string>());
  }
  for (const auto& link : links) {
    const auto hash = link.find('#');
    const std::string file = link.substr(0, hash);
    auto it = slugs.find(file);
    if (it == slugs.end()) {
      fail(file, 0, "a harness case links to " + link + ", but there is no such lesson");
      continue;
    }
    if (hash != std::string::npos && it->second.count(link.substr(hash + 1)) == 0) {
      fail(file, 0, "a harness case links to " + link + ", but the lesson has no such heading");
      continue;
    }
    std::printf("ok   %s\n", link.c_str());
  }
  std::printf("%zu harness links checked, %d failed\n", links.size(), g_failures);
  return g_failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  CLI::App app{"Compile, run and check the code blocks of the wslab lessons"};
  app.add_option("files", opt.files, "Lesson markdown files")->required()->check(CLI::ExistingFile);
  app.add_option("--only", opt.only, "cpp, shell or links")
      ->required()
      ->check(CLI::IsMember({"cpp", "shell", "links"}));
  app.add_option("--wslab", opt.wslab, "The wslab binary (shell checks)");
  app.add_option("--cxx", opt.cxx, "C++ compiler");
  app.add_option("--cxxflag", opt.cxxflags, "Compiler flag (repeatable)")->allow_extra_args(false);
  app.add_option("--link", opt.links, "Library or linker flag after the source (repeatable)")
      ->allow_extra_args(false);
  app.add_option("--workdir", opt.workdir, "Scratch directory for fragments");
  CLI11_PARSE(app, argc, argv);

  if (opt.workdir.empty()) opt.workdir = std::filesystem::temp_directory_path().string();
  std::error_code ec;
  std::filesystem::create_directories(opt.workdir, ec);
  HelpCache helps(opt.wslab);
  if (opt.only != "cpp" && opt.wslab.empty()) {
    std::fprintf(stderr, "--wslab is required with --only shell and --only links\n");
    return 2;
  }
  if (opt.only == "links") return check_links(opt);

  int checked = 0;
  for (const auto& file : opt.files) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    const auto blocks = extract_code_blocks(ss.str(), file);
    std::set<std::string> titles;
    for (std::size_t i = 0; i < blocks.size(); ++i) {
      if (opt.only == "cpp" && (blocks[i].lang == "cpp" || blocks[i].lang == "c++")) {
        check_cpp(opt, blocks, i, titles);
        ++checked;
      } else if (opt.only == "shell") {
        for (const auto& c : wslab_commands(blocks[i])) {
          check_command(helps, c);
          ++checked;
        }
      }
    }
  }
  std::printf("%d checked, %d failed, %d skipped\n", checked, g_failures, g_skips);
  if (checked == 0) {
    std::fprintf(stderr, "nothing to check: no %s blocks found\n", opt.only.c_str());
    return 1;
  }
  return g_failures == 0 ? 0 : 1;
}
