// Student answer files, JSON or CSV, one student per file or a whole class in
// one file (the formats are documented in quizzes/README.md). Reading checks
// everything against the quiz before any grading starts: the quiz name, the
// student ids, the question ids; the first problem is returned as one error
// naming the file and the place ("answers.csv:4: column 'hs-accept' ...").
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "wslab/quiz/quiz.hpp"
#include "wslab/result.hpp"

namespace wslab::quiz {

struct Answer {
  enum class Kind { kText, kChoices, kTracing };
  Kind kind = Kind::kText;
  std::string text;                  // kText: a short answer or one choice
  std::vector<std::string> choices;  // kChoices: several choices
  bool does_compile = true;          // kTracing
  std::string stdout_text;           // kTracing, when it compiles
  std::string where;                 // "answers.csv:4 column 'q1'" for messages
};

struct Submission {
  std::string student;
  std::string file;                       // the answer file it came from
  std::string where;                      // file plus line or JSON path of this submission
  std::map<std::string, Answer> answers;  // by question id; absent = not answered
};

// Reads one answer file (.json or .csv, by extension; otherwise by content).
Result<std::vector<Submission>> read_answer_file(const std::string& path, const Quiz& quiz);
Result<std::vector<Submission>> read_answer_text(const std::string& text, const std::string& path,
                                                 const Quiz& quiz);

// Interprets one free-text answer for a question (CSV cells, typed answers):
// a JSON array "[...]" means several choices; for Tracing, "does not compile"
// (or "doesn't compile", "compile error") means doesCompile = false and any
// other text is the expected stdout.
Answer answer_from_text(const Question& q, const std::string& text);

// Student ids become file names in reports: letters, digits, '.', '_', '-', '@'.
bool valid_student_id(const std::string& id);

// The answers as a JSON answers file (what `wslab quiz take --save` writes).
std::string submission_to_json(const Quiz& quiz, const Submission& s);

}  // namespace wslab::quiz
