// Reading answer files (JSON and CSV) strictly: every problem is reported
// once, with the file and the place, before anything is graded.
#include "wslab/quiz/answers.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace wslab::quiz {
namespace {

using nlohmann::json;

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n\f\v");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n\f\v");
  return std::string(s.substr(b, e - b + 1));
}

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string squote(const std::string& s) {
  return "'" + s + "'";
}

// ---- JSON -----------------------------------------------------------------

std::string clean_json_error(const std::string& what) {
  // "[json.exception.parse_error.101] parse error at line 3, column 5: ..." -> "parse error ..."
  const auto close = what.find("] ");
  return close == std::string::npos ? what : what.substr(close + 2);
}

Result<Answer> answer_from_json(const Question& q, const json& v, const std::string& where) {
  Answer a;
  a.where = where;
  if (v.is_string()) {
    a = answer_from_text(q, v.get<std::string>());
    a.where = where;
    return a;
  }
  if (v.is_number_integer() || v.is_number_unsigned()) {
    a = answer_from_text(q, v.dump());
    a.where = where;
    return a;
  }
  if (v.is_array()) {
    if (q.type != QuestionType::kMultipleChoice) {
      return Error{where + ": a list of choices, but " + squote(q.id) + " is a " +
                   std::string(type_name(q.type)) + " question"};
    }
    a.kind = Answer::Kind::kChoices;
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (!v[i].is_string()) {
        return Error{where + "[" + std::to_string(i) + "]: expected a string (a choice's text)"};
      }
      a.choices.push_back(v[i].get<std::string>());
    }
    return a;
  }
  if (v.is_object()) {
    if (q.type != QuestionType::kTracing) {
      return Error{where + ": an object, but " + squote(q.id) + " is a " +
                   std::string(type_name(q.type)) + " question (give a string)"};
    }
    a.kind = Answer::Kind::kTracing;
    for (const auto& [k, val] : v.items()) {
      if (k != "doesCompile" && k != "stdout") {
        return Error{where + "." + k + ": unknown key (expected doesCompile and stdout)"};
      }
    }
    if (!v.contains("doesCompile") || !v["doesCompile"].is_boolean()) {
      return Error{where + ".doesCompile: required, true or false"};
    }
    a.does_compile = v["doesCompile"].get<bool>();
    if (v.contains("stdout")) {
      if (!v["stdout"].is_string()) return Error{where + ".stdout: expected a string"};
      a.stdout_text = v["stdout"].get<std::string>();
    }
    return a;
  }
  return Error{where + ": expected a string, a list of strings or (Tracing) an object"};
}

// "alice.json: answers.q1" or "class.json: submissions[2].answers.q1".
std::string loc(const std::string& file, const std::string& jpath) {
  return jpath.empty() ? file : file + ": " + jpath;
}
std::string child(const std::string& jpath, const std::string& key) {
  return jpath.empty() ? key : jpath + "." + key;
}

Result<Submission> submission_from_json(const json& obj, const std::string& jp,
                                        const std::string& path, const Quiz& quiz) {
  const std::string where = loc(path, jp);
  if (!obj.is_object()) return Error{where + ": expected an object with student and answers"};
  Submission s;
  s.file = path;
  s.where = where;
  if (obj.contains("quiz")) {
    if (!obj["quiz"].is_string())
      return Error{loc(path, child(jp, "quiz")) + ": expected a string"};
    const auto name = obj["quiz"].get<std::string>();
    if (name != quiz.name) {
      return Error{loc(path, child(jp, "quiz")) + ": this answers file is for quiz " +
                   squote(name) + ", not for " + squote(quiz.name)};
    }
  }
  if (!obj.contains("student") || obj["student"].is_null()) {
    return Error{where + ": missing \"student\" (the student id)"};
  }
  if (!obj["student"].is_string() || !valid_student_id(obj["student"].get<std::string>())) {
    return Error{loc(path, child(jp, "student")) +
                 ": expected an id made of letters, digits, '.', '_', '-', '@'"};
  }
  s.student = obj["student"].get<std::string>();
  if (!obj.contains("answers") || !obj["answers"].is_object()) {
    return Error{where + ": missing \"answers\" (an object from question id to answer)"};
  }
  for (const auto& [id, val] : obj["answers"].items()) {
    const std::string here = loc(path, child(child(jp, "answers"), id));
    const Question* q = quiz.find(id);
    if (q == nullptr) {
      return Error{here + ": " + squote(id) + " is not a question of quiz " + squote(quiz.name)};
    }
    if (val.is_null()) continue;
    auto a = answer_from_json(*q, val, here);
    if (!a) return Error{a.error()};
    s.answers[id] = std::move(*a);
  }
  return s;
}

Result<std::vector<Submission>> read_json(const std::string& text, const std::string& path,
                                          const Quiz& quiz) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    return Error{path + ": " + clean_json_error(e.what())};
  }
  std::vector<Submission> out;
  auto add = [&](const json& obj, const std::string& jp) -> Status {
    auto s = submission_from_json(obj, jp, path, quiz);
    if (!s) return Status::fail(s.error());
    out.push_back(std::move(*s));
    return Status::ok();
  };
  if (doc.is_array()) {
    for (std::size_t i = 0; i < doc.size(); ++i) {
      if (auto st = add(doc[i], "[" + std::to_string(i) + "]"); !st) {
        return Error{st.message()};
      }
    }
  } else if (doc.is_object() && doc.contains("submissions")) {
    if (doc.contains("quiz")) {
      if (!doc["quiz"].is_string()) return Error{path + ": quiz: expected a string"};
      const auto name = doc["quiz"].get<std::string>();
      if (name != quiz.name) {
        return Error{path + ": quiz: this answers file is for quiz " + squote(name) + ", not for " +
                     squote(quiz.name)};
      }
    }
    if (!doc["submissions"].is_array()) return Error{path + ": submissions: expected an array"};
    const json& subs = doc["submissions"];
    for (std::size_t i = 0; i < subs.size(); ++i) {
      if (auto st = add(subs[i], "submissions[" + std::to_string(i) + "]"); !st) {
        return Error{st.message()};
      }
    }
  } else if (doc.is_object()) {
    if (auto st = add(doc, ""); !st) return Error{st.message()};
  } else {
    return Error{path + ": expected an object (one student) or an array (a class)"};
  }
  if (out.empty()) return Error{path + ": no submissions in this file"};
  return out;
}

// ---- CSV (RFC 4180) ---------------------------------------------------------

struct CsvRow {
  int line = 0;  // line where the row starts
  std::vector<std::string> cells;
};

Result<std::vector<CsvRow>> parse_csv(std::string_view text, const std::string& path) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // BOM from spreadsheets
  std::vector<CsvRow> rows;
  CsvRow row;
  std::string cell;
  int line = 1;
  row.line = 1;
  bool in_quotes = false;
  bool after_quote = false;  // a quoted cell just closed: only , or a line end may follow
  bool row_has_content = false;
  int quote_line = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          cell += '"';
          ++i;
        } else {
          in_quotes = false;
          after_quote = true;
        }
      } else {
        if (c == '\n') ++line;
        if (c != '\r') cell += c;
      }
      continue;
    }
    if (after_quote && c != ',' && c != '\n' && c != '\r') {
      return Error{path + ":" + std::to_string(line) +
                   ": text after the closing quote of a cell (quote the whole cell and double "
                   "inner quotes)"};
    }
    after_quote = false;
    if (c == '"') {
      if (!trim(cell).empty()) {
        return Error{path + ":" + std::to_string(line) +
                     ": a quote in the middle of an unquoted cell (quote the whole cell and "
                     "double inner quotes)"};
      }
      cell.clear();
      in_quotes = true;
      quote_line = line;
      row_has_content = true;
    } else if (c == ',') {
      row.cells.push_back(cell);
      cell.clear();
      row_has_content = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      row.cells.push_back(cell);
      cell.clear();
      if (row_has_content || !trim(row.cells.front()).empty()) rows.push_back(row);
      ++line;
      row = CsvRow{};
      row.line = line;
      row_has_content = false;
    } else {
      cell += c;
      if (c != ' ' && c != '\t') row_has_content = true;
    }
  }
  if (in_quotes) {
    return Error{path + ":" + std::to_string(quote_line) +
                 ": a quoted cell is never closed (missing '\"')"};
  }
  row.cells.push_back(cell);
  if (row_has_content || !trim(row.cells.front()).empty()) rows.push_back(row);
  return rows;
}

Result<std::vector<Submission>> read_csv(const std::string& text, const std::string& path,
                                         const Quiz& quiz) {
  auto parsed = parse_csv(text, path);
  if (!parsed) return Error{parsed.error()};
  const auto& rows = *parsed;
  if (rows.empty()) return Error{path + ": the file is empty (expected a header row)"};
  const CsvRow& header = rows.front();
  int student_col = -1;
  int quiz_col = -1;
  std::vector<const Question*> columns(header.cells.size(), nullptr);
  std::set<std::string> seen;
  for (std::size_t c = 0; c < header.cells.size(); ++c) {
    const std::string name = trim(header.cells[c]);
    const std::string where = path + ":" + std::to_string(header.line) + ": column " +
                              std::to_string(c + 1) + " " + squote(name);
    if (!seen.insert(name).second) return Error{where + ": appears twice in the header"};
    if (lower(name) == "student") {
      student_col = static_cast<int>(c);
    } else if (lower(name) == "quiz") {
      quiz_col = static_cast<int>(c);
    } else if (const Question* q = quiz.find(name)) {
      columns[c] = q;
    } else if (name.empty()) {
      return Error{where + ": empty column name (expected student, quiz or a question id)"};
    } else {
      return Error{where + ": not a question of quiz " + squote(quiz.name) +
                   " (is this the answers file of another quiz?)"};
    }
  }
  if (student_col < 0) {
    return Error{path + ":" + std::to_string(header.line) + ": the header has no 'student' column"};
  }
  if (rows.size() == 1) return Error{path + ": a header but no student rows"};
  std::vector<Submission> out;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const CsvRow& row = rows[r];
    const std::string at = path + ":" + std::to_string(row.line);
    if (row.cells.size() != header.cells.size()) {
      return Error{at + ": " + std::to_string(row.cells.size()) + " cells, but the header has " +
                   std::to_string(header.cells.size())};
    }
    Submission s;
    s.file = path;
    s.where = at;
    s.student = trim(row.cells[static_cast<std::size_t>(student_col)]);
    if (s.student.empty()) return Error{at + ": column 'student': missing student id"};
    if (!valid_student_id(s.student)) {
      return Error{at + ": column 'student': " + squote(s.student) +
                   " is not a valid id (letters, digits, '.', '_', '-', '@')"};
    }
    if (quiz_col >= 0) {
      const std::string name = trim(row.cells[static_cast<std::size_t>(quiz_col)]);
      if (!name.empty() && name != quiz.name) {
        return Error{at + ": column 'quiz': this row is for quiz " + squote(name) + ", not for " +
                     squote(quiz.name)};
      }
    }
    for (std::size_t c = 0; c < columns.size(); ++c) {
      if (columns[c] == nullptr) continue;
      const std::string& cell = row.cells[c];
      if (trim(cell).empty()) continue;
      Answer a = answer_from_text(*columns[c], cell);
      a.where = at + " column " + squote(columns[c]->id);
      s.answers[columns[c]->id] = std::move(a);
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

bool valid_student_id(const std::string& id) {
  if (id.empty() || id.size() > 128 || id == "." || id == "..") return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '-' ||
           c == '@';
  });
}

Answer answer_from_text(const Question& q, const std::string& text) {
  Answer a;
  const std::string t = trim(text);
  if (q.type == QuestionType::kTracing) {
    a.kind = Answer::Kind::kTracing;
    const std::string l = lower(t);
    if (l == "does not compile" || l == "doesn't compile" || l == "does not compile." ||
        l == "compile error" || l == "compilation error" || l == "error") {
      a.does_compile = false;
    } else {
      a.does_compile = true;
      a.stdout_text = text;
    }
    return a;
  }
  if (q.type == QuestionType::kMultipleChoice && !t.empty() && t.front() == '[') {
    try {
      const json arr = json::parse(t);
      if (arr.is_array() &&
          std::all_of(arr.begin(), arr.end(), [](const json& x) { return x.is_string(); })) {
        a.kind = Answer::Kind::kChoices;
        for (const auto& x : arr) a.choices.push_back(x.get<std::string>());
        return a;
      }
    } catch (const json::exception&) {
      // not a list: a choice that happens to start with '['
    }
  }
  a.kind = Answer::Kind::kText;
  a.text = text;
  return a;
}

Result<std::vector<Submission>> read_answer_text(const std::string& text, const std::string& path,
                                                 const Quiz& quiz) {
  const std::string l = lower(path);
  if (ends_with(l, ".csv")) return read_csv(text, path, quiz);
  if (ends_with(l, ".json")) return read_json(text, path, quiz);
  const std::string t = trim(text);
  if (!t.empty() && (t.front() == '{' || t.front() == '[')) return read_json(text, path, quiz);
  return read_csv(text, path, quiz);
}

Result<std::vector<Submission>> read_answer_file(const std::string& path, const Quiz& quiz) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return Error{path + ": is a directory (give the answer files themselves)"};
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path + ": cannot open the file"};
  std::ostringstream ss;
  ss << in.rdbuf();
  return read_answer_text(ss.str(), path, quiz);
}

std::string submission_to_json(const Quiz& quiz, const Submission& s) {
  json answers = json::object();
  for (const auto& q : quiz.questions) {
    auto it = s.answers.find(q.id);
    if (it == s.answers.end()) continue;
    const Answer& a = it->second;
    switch (a.kind) {
      case Answer::Kind::kText:
        answers[q.id] = a.text;
        break;
      case Answer::Kind::kChoices:
        answers[q.id] = a.choices;
        break;
      case Answer::Kind::kTracing:
        answers[q.id] = a.does_compile ? json{{"doesCompile", true}, {"stdout", a.stdout_text}}
                                       : json{{"doesCompile", false}};
        break;
    }
  }
  json doc = {{"quiz", quiz.name}, {"student", s.student}, {"answers", answers}};
  return doc.dump(2) + "\n";
}

}  // namespace wslab::quiz
