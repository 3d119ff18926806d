// mdbook-quiz's comparison rules, applied to whole classes of answer files.
#include "wslab/quiz/grade.hpp"

#include <algorithm>
#include <cctype>
#include <map>

namespace wslab::quiz {
namespace {

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n\f\v");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n\f\v");
  return std::string(s.substr(b, e - b + 1));
}

std::string lower_trim(std::string_view s) {
  std::string t = trim(s);
  for (auto& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return t;
}

// Windows line endings in an answer file must not make an output wrong.
std::string unix_newlines(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') continue;
    out += s[i];
  }
  return out;
}

}  // namespace

bool short_answer_correct(const std::string& given, const std::string& answer,
                          const std::vector<std::string>& alternatives) {
  const std::string g = lower_trim(given);
  if (g == lower_trim(answer)) return true;
  return std::any_of(alternatives.begin(), alternatives.end(),
                     [&](const std::string& alt) { return g == lower_trim(alt); });
}

bool choices_correct(std::vector<std::string> given, std::vector<std::string> correct) {
  std::sort(given.begin(), given.end());
  std::sort(correct.begin(), correct.end());
  return given == correct;
}

bool tracing_correct(bool given_compiles, const std::string& given_stdout, bool compiles,
                     const std::string& expected_stdout) {
  if (given_compiles != compiles) return false;
  if (!compiles) return true;  // lineNumber is not graded (as in mdbook-quiz)
  return trim(unix_newlines(given_stdout)) == trim(unix_newlines(expected_stdout));
}

std::vector<std::string> resolve_choices(const Answer& a, const std::vector<std::string>& choices) {
  std::vector<std::string> typed;
  if (a.kind == Answer::Kind::kChoices) {
    typed = a.choices;
  } else {
    typed.push_back(a.kind == Answer::Kind::kText ? a.text : a.stdout_text);
  }
  std::vector<std::string> out;
  for (const auto& t : typed) {
    auto exact = std::find(choices.begin(), choices.end(), t);
    if (exact != choices.end()) {
      out.push_back(*exact);
      continue;
    }
    auto loose = std::find_if(choices.begin(), choices.end(),
                              [&](const std::string& c) { return lower_trim(c) == lower_trim(t); });
    out.push_back(loose != choices.end() ? *loose : t);
  }
  return out;
}

std::string render_answer(const Answer& a) {
  switch (a.kind) {
    case Answer::Kind::kText:
      return trim(a.text);
    case Answer::Kind::kChoices: {
      std::string out;
      for (const auto& c : a.choices) out += (out.empty() ? "" : " | ") + trim(c);
      return out;
    }
    case Answer::Kind::kTracing:
      return a.does_compile ? trim(unix_newlines(a.stdout_text)) : "does not compile";
  }
  return {};
}

QuestionResult grade_answer(const QuestionInstance& inst, const std::optional<Answer>& answer) {
  const Question& q = *inst.question;
  QuestionResult r;
  r.id = q.id;
  r.max_points = q.points;
  if (!answer) return r;
  r.answered = true;
  r.given = render_answer(*answer);
  switch (q.type) {
    case QuestionType::kShortAnswer:
      if (answer->kind == Answer::Kind::kText) {
        r.correct = short_answer_correct(answer->text, inst.answer, inst.alternatives);
      } else {
        r.note = "a list was given where one answer was expected";
      }
      break;
    case QuestionType::kMultipleChoice: {
      const auto chosen = resolve_choices(*answer, inst.choices);
      for (const auto& c : chosen) {
        if (std::find(inst.choices.begin(), inst.choices.end(), c) == inst.choices.end()) {
          r.note += (r.note.empty() ? "" : "; ") + ("'" + c + "' is not one of the choices");
        }
      }
      r.correct = choices_correct(chosen, q.answers);
      break;
    }
    case QuestionType::kTracing:
      if (answer->kind == Answer::Kind::kTracing) {
        r.correct = tracing_correct(answer->does_compile, answer->stdout_text, q.does_compile,
                                    q.expected_stdout);
      }
      break;
  }
  if (r.correct) r.points = q.points;
  return r;
}

Result<StudentResult> grade_submission(const Quiz& quiz, const Submission& s) {
  StudentResult out;
  out.student = s.student;
  out.source = s.where;
  for (const auto& q : quiz.questions) {
    auto inst = instantiate(q, s.student);
    if (!inst) return Error{quiz.path + ": question '" + q.id + "': " + inst.error()};
    std::optional<Answer> given;
    if (auto it = s.answers.find(q.id); it != s.answers.end()) given = it->second;
    QuestionResult r = grade_answer(*inst, given);
    out.score += r.points;
    out.max_score += r.max_points;
    out.questions.push_back(std::move(r));
  }
  return out;
}

Result<ClassResult> grade_files(const Quiz& quiz, const std::vector<std::string>& files) {
  if (files.empty()) return Error{"no answer files given"};
  std::vector<Submission> all;
  std::map<std::string, std::string> first_seen;  // student -> where
  for (const auto& f : files) {
    auto subs = read_answer_file(f, quiz);
    if (!subs) return Error{subs.error()};
    for (auto& s : *subs) {
      auto [it, fresh] = first_seen.emplace(s.student, s.where);
      if (!fresh) {
        return Error{s.where + ": student '" + s.student + "' already has answers in " +
                     it->second};
      }
      all.push_back(std::move(s));
    }
  }
  ClassResult cls;
  cls.quiz = quiz.name;
  cls.quiz_path = quiz.path;
  cls.max_score = quiz.max_score();
  for (const auto& s : all) {
    auto r = grade_submission(quiz, s);
    if (!r) return Error{r.error()};
    cls.students.push_back(std::move(*r));
  }
  std::sort(cls.students.begin(), cls.students.end(),
            [](const StudentResult& a, const StudentResult& b) { return a.student < b.student; });
  return cls;
}

}  // namespace wslab::quiz
