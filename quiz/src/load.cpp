// Loading quiz TOML against the mdbook-quiz v0.4 schema. mdbook-quiz itself
// ignores unknown keys (serde without deny_unknown_fields); we report them,
// because a misspelt `answerindex` silently changes how a question behaves.
#include "wslab/quiz/load.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace wslab::quiz {
namespace {

SourcePos pos_of(const toml::source_region& r) {
  return SourcePos{static_cast<int>(r.begin.line), static_cast<int>(r.begin.column)};
}

std::string node_kind(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    default:
      return "a date/time";
  }
}

bool iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

class Loader {
 public:
  Loader(std::string file, std::vector<Diagnostic>& out) : file_(std::move(file)), out_(out) {}

  Quiz load(const toml::table& root);

 private:
  void error(SourcePos p, std::string key, std::string msg) {
    out_.push_back({Severity::kError, file_, p, std::move(key), std::move(msg)});
  }
  void warning(SourcePos p, std::string key, std::string msg) {
    out_.push_back({Severity::kWarning, file_, p, std::move(key), std::move(msg)});
  }

  // Reports every key of `t` not in `allowed`, with a spelling hint.
  void check_keys(const toml::table& t, std::initializer_list<std::string_view> allowed,
                  const std::string& prefix, Question* q);
  const toml::node* get(const toml::table& t, std::string_view key, const std::string& prefix,
                        SourcePos owner, bool required);
  bool read_string(const toml::table& t, std::string_view key, const std::string& prefix,
                   SourcePos owner, bool required, std::string& out);
  bool read_bool(const toml::table& t, std::string_view key, const std::string& prefix,
                 SourcePos owner, bool required, bool& out);
  bool read_strings(const toml::node& n, const std::string& key, std::vector<std::string>& out);
  const toml::table* read_table(const toml::table& t, std::string_view key,
                                const std::string& prefix, SourcePos owner, bool required);

  void load_question(const toml::table& t, Question& q);
  void load_short_answer(const toml::table* prompt, const toml::table* answer, Question& q);
  void load_multiple_choice(const toml::table* prompt, const toml::table* answer, Question& q);
  void load_tracing(const toml::table* prompt, const toml::table* answer, Question& q);
  void load_extension(const toml::table& ext, Question& q);

  std::string file_;
  std::vector<Diagnostic>& out_;
};

void Loader::check_keys(const toml::table& t, std::initializer_list<std::string_view> allowed,
                        const std::string& prefix, Question* q) {
  for (auto&& [k, v] : t) {
    std::string_view name = k.str();
    const std::string full = prefix + std::string(name);
    if (q != nullptr) q->key_pos[full] = pos_of(k.source());
    if (std::find(allowed.begin(), allowed.end(), name) != allowed.end()) continue;
    std::string msg = "unknown key";
    for (auto a : allowed) {
      if (iequal(a, name)) msg += " (did you mean '" + prefix + std::string(a) + "'?)";
    }
    std::string list;
    for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    msg += "; allowed here: " + list;
    error(pos_of(k.source()), full, msg);
  }
}

const toml::node* Loader::get(const toml::table& t, std::string_view key, const std::string& prefix,
                              SourcePos owner, bool required) {
  const toml::node* n = t.get(key);
  if (n == nullptr && required) {
    error(owner, prefix + std::string(key), "required key is missing");
  }
  return n;
}

bool Loader::read_string(const toml::table& t, std::string_view key, const std::string& prefix,
                         SourcePos owner, bool required, std::string& out) {
  const toml::node* n = get(t, key, prefix, owner, required);
  if (n == nullptr) return false;
  if (const auto* s = n->as_string()) {
    out = s->get();
    return true;
  }
  error(pos_of(n->source()), prefix + std::string(key),
        "expected a string, found " + node_kind(*n));
  return false;
}

bool Loader::read_bool(const toml::table& t, std::string_view key, const std::string& prefix,
                       SourcePos owner, bool required, bool& out) {
  const toml::node* n = get(t, key, prefix, owner, required);
  if (n == nullptr) return false;
  if (const auto* b = n->as_boolean()) {
    out = b->get();
    return true;
  }
  error(pos_of(n->source()), prefix + std::string(key),
        "expected true or false, found " + node_kind(*n));
  return false;
}

bool Loader::read_strings(const toml::node& n, const std::string& key,
                          std::vector<std::string>& out) {
  const auto* arr = n.as_array();
  if (arr == nullptr) {
    error(pos_of(n.source()), key, "expected an array of strings, found " + node_kind(n));
    return false;
  }
  bool ok = true;
  std::size_t i = 0;
  for (const auto& item : *arr) {
    if (const auto* s = item.as_string()) {
      out.push_back(s->get());
    } else {
      error(pos_of(item.source()), key + "[" + std::to_string(i) + "]",
            "expected a string, found " + node_kind(item));
      ok = false;
    }
    ++i;
  }
  return ok;
}

const toml::table* Loader::read_table(const toml::table& t, std::string_view key,
                                      const std::string& prefix, SourcePos owner, bool required) {
  const toml::node* n = get(t, key, prefix, owner, required);
  if (n == nullptr) return nullptr;
  if (const auto* tbl = n->as_table()) return tbl;
  error(pos_of(n->source()), prefix + std::string(key),
        "expected a table (e.g. `" + std::string(key) + ".prompt = ...`), found " + node_kind(*n));
  return nullptr;
}

Quiz Loader::load(const toml::table& root) {
  Quiz quiz;
  check_keys(root, {"questions", "multipart"}, "", nullptr);

  if (const toml::node* mp = root.get("multipart")) {
    if (const auto* t = mp->as_table()) {
      for (auto&& [k, v] : *t) {
        if (const auto* s = v.as_string()) {
          quiz.multipart[std::string(k.str())] = s->get();
        } else {
          error(pos_of(v.source()), "multipart." + std::string(k.str()),
                "expected a markdown string, found " + node_kind(v));
        }
      }
    } else {
      error(pos_of(mp->source()), "multipart", "expected a table, found " + node_kind(*mp));
    }
  }

  const toml::node* qs = root.get("questions");
  if (qs == nullptr) {
    error(SourcePos{1, 1}, "questions", "required key is missing (add [[questions]] tables)");
    return quiz;
  }
  const auto* arr = qs->as_array();
  if (arr != nullptr && arr->empty()) {
    error(pos_of(qs->source()), "questions", "a quiz needs at least one question");
    return quiz;
  }
  if (arr == nullptr || !arr->is_array_of_tables()) {
    error(pos_of(qs->source()), "questions", "expected an array of tables ([[questions]])");
    return quiz;
  }
  for (const auto& node : *arr) {
    Question q;
    load_question(*node.as_table(), q);
    if (!q.multipart.empty() && quiz.multipart.count(q.multipart) == 0) {
      error(q.where("multipart"), "multipart",
            "'" + q.multipart + "' is not a key of the top-level [multipart] table");
    }
    quiz.questions.push_back(std::move(q));
  }
  return quiz;
}

void Loader::load_question(const toml::table& t, Question& q) {
  q.pos = pos_of(t.source());
  check_keys(
      t, {"id", "type", "multipart", "prompt", "answer", "context", "promptExplanation", "wslab"},
      "", &q);
  // mdbook-quiz makes `id` optional and writes UUIDs into the file; grading
  // keys answers by id, so wslab requires it.
  if (read_string(t, "id", "", q.pos, true, q.id) && q.id.empty()) {
    error(q.where("id"), "id", "must not be empty");
  }
  std::string type;
  bool has_type = read_string(t, "type", "", q.pos, true, type);
  read_string(t, "multipart", "", q.pos, false, q.multipart);
  read_string(t, "context", "", q.pos, false, q.context);
  read_bool(t, "promptExplanation", "", q.pos, false, q.prompt_explanation);

  const toml::table* prompt = read_table(t, "prompt", "", q.pos, true);
  const toml::table* answer = read_table(t, "answer", "", q.pos, true);
  if (prompt != nullptr) {
    for (auto&& [k, v] : *prompt) q.key_pos["prompt." + std::string(k.str())] = pos_of(k.source());
  }
  if (answer != nullptr) {
    for (auto&& [k, v] : *answer) q.key_pos["answer." + std::string(k.str())] = pos_of(k.source());
  }

  if (has_type) {
    if (type == "ShortAnswer") {
      q.type = QuestionType::kShortAnswer;
      load_short_answer(prompt, answer, q);
    } else if (type == "MultipleChoice") {
      q.type = QuestionType::kMultipleChoice;
      load_multiple_choice(prompt, answer, q);
    } else if (type == "Tracing") {
      q.type = QuestionType::kTracing;
      load_tracing(prompt, answer, q);
    } else {
      error(q.where("type"), "type",
            "'" + type + "' is not a question type (ShortAnswer, MultipleChoice or Tracing)");
    }
  }
  if (const toml::table* ext = read_table(t, "wslab", "", q.pos, false)) load_extension(*ext, q);
}

void Loader::load_short_answer(const toml::table* prompt, const toml::table* answer, Question& q) {
  if (prompt != nullptr) {
    check_keys(*prompt, {"prompt", "response"}, "prompt.", &q);
    read_string(*prompt, "prompt", "prompt.", q.pos, true, q.prompt);
    if (read_string(*prompt, "response", "prompt.", q.pos, false, q.response) &&
        q.response != "short" && q.response != "long" && q.response != "code") {
      error(q.where("prompt.response"), "prompt.response",
            "'" + q.response + "' is not one of short, long, code");
    }
  }
  if (answer != nullptr) {
    check_keys(*answer, {"answer", "alternatives"}, "answer.", &q);
    if (read_string(*answer, "answer", "answer.", q.pos, true, q.answer) &&
        q.answer.find_first_not_of(" \t\r\n") == std::string::npos) {
      error(q.where("answer.answer"), "answer.answer", "the answer is empty");
    }
    if (const toml::node* alt = answer->get("alternatives")) {
      read_strings(*alt, "answer.alternatives", q.alternatives);
    }
  }
}

void Loader::load_multiple_choice(const toml::table* prompt, const toml::table* answer,
                                  Question& q) {
  if (prompt != nullptr) {
    check_keys(*prompt, {"prompt", "distractors", "answerIndex", "sortAnswers"}, "prompt.", &q);
    read_string(*prompt, "prompt", "prompt.", q.pos, true, q.prompt);
    if (const toml::node* d = get(*prompt, "distractors", "prompt.", q.pos, true)) {
      read_strings(*d, "prompt.distractors", q.distractors);
    }
    if (const toml::node* ai = prompt->get("answerIndex")) {
      if (const auto* i = ai->as_integer()) {
        const std::int64_t v = i->get();
        if (v < 0 || static_cast<std::size_t>(v) > q.distractors.size()) {
          error(pos_of(ai->source()), "prompt.answerIndex",
                std::to_string(v) + " is out of range: with " +
                    std::to_string(q.distractors.size()) +
                    " distractors the answer can be inserted at 0.." +
                    std::to_string(q.distractors.size()));
        } else {
          q.answer_index = static_cast<std::size_t>(v);
        }
      } else {
        error(pos_of(ai->source()), "prompt.answerIndex",
              "expected an integer, found " + node_kind(*ai));
      }
    }
    bool sort = false;
    if (read_bool(*prompt, "sortAnswers", "prompt.", q.pos, false, sort)) {
      q.sort_answers = sort;
      if (prompt->get("answerIndex") != nullptr) {
        error(q.where("prompt.sortAnswers"), "prompt.sortAnswers",
              "cannot be combined with prompt.answerIndex");
      }
    }
  }
  if (answer != nullptr) {
    check_keys(*answer, {"answer"}, "answer.", &q);
    if (const toml::node* a = get(*answer, "answer", "answer.", q.pos, true)) {
      if (const auto* s = a->as_string()) {
        q.answers.push_back(s->get());
      } else if (a->is_array()) {
        q.multi_select = true;
        if (read_strings(*a, "answer.answer", q.answers) && q.answers.empty()) {
          error(pos_of(a->source()), "answer.answer",
                "a multi-select answer needs at least one correct choice");
        }
      } else {
        error(pos_of(a->source()), "answer.answer",
              "expected a string or an array of strings, found " + node_kind(*a));
      }
    }
  }
  // A choice that is both right and wrong cannot be graded.
  for (const auto& a : q.answers) {
    if (std::find(q.distractors.begin(), q.distractors.end(), a) != q.distractors.end()) {
      error(q.where("answer.answer"), "answer.answer",
            "'" + a + "' is also listed in prompt.distractors");
    }
  }
  for (std::size_t i = 0; i < q.answers.size(); ++i) {
    for (std::size_t j = i + 1; j < q.answers.size(); ++j) {
      if (q.answers[i] == q.answers[j]) {
        error(q.where("answer.answer"), "answer.answer", "'" + q.answers[i] + "' is listed twice");
      }
    }
  }
  for (std::size_t i = 0; i < q.distractors.size(); ++i) {
    for (std::size_t j = i + 1; j < q.distractors.size(); ++j) {
      if (q.distractors[i] == q.distractors[j]) {
        error(q.where("prompt.distractors"), "prompt.distractors",
              "'" + q.distractors[i] + "' is listed twice");
      }
    }
  }
}

void Loader::load_tracing(const toml::table* prompt, const toml::table* answer, Question& q) {
  if (prompt != nullptr) {
    check_keys(*prompt, {"program"}, "prompt.", &q);
    read_string(*prompt, "program", "prompt.", q.pos, true, q.program);
  }
  if (answer != nullptr) {
    check_keys(*answer, {"doesCompile", "stdout", "lineNumber"}, "answer.", &q);
    read_bool(*answer, "doesCompile", "answer.", q.pos, true, q.does_compile);
    const bool has_stdout =
        read_string(*answer, "stdout", "answer.", q.pos, false, q.expected_stdout);
    if (q.does_compile && answer->get("stdout") == nullptr) {
      error(q.where("answer.doesCompile"), "answer.stdout",
            "required when answer.doesCompile = true");
    }
    if (!q.does_compile && has_stdout) {
      error(q.where("answer.stdout"), "answer.stdout",
            "not allowed when answer.doesCompile = false");
    }
    if (const toml::node* ln = answer->get("lineNumber")) {
      const auto* i = ln->as_integer();
      if (i == nullptr || i->get() < 1) {
        error(pos_of(ln->source()), "answer.lineNumber", "expected a positive line number");
      } else if (q.does_compile) {
        error(pos_of(ln->source()), "answer.lineNumber",
              "only meaningful when answer.doesCompile = false");
      } else {
        q.line_number = static_cast<int>(i->get());
      }
    }
  }
}

void Loader::load_extension(const toml::table& ext, Question& q) {
  check_keys(ext, {"generator", "params", "points"}, "wslab.", &q);
  if (const toml::node* p = ext.get("points")) {
    const auto* i = p->as_integer();
    if (i == nullptr || i->get() < 0 || i->get() > 1000) {
      error(pos_of(p->source()), "wslab.points", "expected an integer from 0 to 1000");
    } else {
      q.points = static_cast<int>(i->get());
    }
  }
  std::string gen;
  if (read_string(ext, "generator", "wslab.", q.pos, false, gen)) {
    GeneratorSpec spec;
    spec.name = gen;
    spec.pos = q.where("wslab.generator");
    if (const toml::table* params = read_table(ext, "params", "wslab.", spec.pos, true)) {
      for (auto&& [k, v] : *params) {
        if (const auto* s = v.as_string()) {
          spec.params[std::string(k.str())] = s->get();
        } else {
          error(pos_of(v.source()), "wslab.params." + std::string(k.str()),
                "expected a string, found " + node_kind(v));
        }
      }
    }
    q.generator = std::move(spec);
  } else if (ext.get("params") != nullptr) {
    error(q.where("wslab.params"), "wslab.params", "given without wslab.generator");
  }
}

}  // namespace

std::string quiz_name_from_path(const std::string& path) {
  return std::filesystem::path(path).stem().string();
}

LoadResult load_quiz_text(std::string_view text, const std::string& path) {
  LoadResult r;
  toml::table root;
  try {
    root = toml::parse(text, std::string_view{path});
  } catch (const toml::parse_error& e) {
    r.diagnostics.push_back({Severity::kError, path, pos_of(e.source()), "",
                             "TOML syntax: " + std::string(e.description())});
    return r;
  }
  Loader loader(path, r.diagnostics);
  Quiz quiz = loader.load(root);
  quiz.path = path;
  quiz.name = quiz_name_from_path(path);
  r.quiz = std::move(quiz);
  return r;
}

LoadResult load_quiz_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    LoadResult r;
    r.diagnostics.push_back({Severity::kError, path, {}, "", "cannot open the file"});
    return r;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return load_quiz_text(ss.str(), path);
}

}  // namespace wslab::quiz
