// The interactive quiz. The answer key is used to say right or wrong, and is
// never printed; what follows an answer is the question's context.
#include "wslab/quiz/take.hpp"

#include <algorithm>
#include <cctype>
#include <istream>
#include <optional>
#include <ostream>
#include <sstream>

#include "wslab/quiz/grade.hpp"
#include "wslab/quiz/instance.hpp"

namespace wslab::quiz {
namespace {

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n\f\v");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n\f\v");
  return std::string(s.substr(b, e - b + 1));
}

class Console {
 public:
  Console(std::istream& in, std::ostream& out, bool echo) : in_(in), out_(out), echo_(echo) {}
  // nullopt at end of input.
  std::optional<std::string> ask(const std::string& prompt) {
    out_ << prompt << std::flush;
    std::string line;
    if (!std::getline(in_, line)) {
      out_ << "\n";
      return std::nullopt;
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (echo_) out_ << line << "\n";
    return line;
  }
  std::ostream& out() { return out_; }

 private:
  std::istream& in_;
  std::ostream& out_;
  bool echo_;
};

void print_indented(std::ostream& out, const std::string& text, const std::string& indent) {
  std::istringstream ss(text);
  std::string line;
  while (std::getline(ss, line)) out << indent << line << "\n";
}

// "B", "a, c", "A C" -> indices; nullopt when something is not a valid letter.
std::optional<std::vector<std::size_t>> parse_letters(const std::string& text, std::size_t n) {
  std::vector<std::size_t> picked;
  for (char c : text) {
    if (c == ',' || c == ' ' || c == '\t') continue;
    const int u = std::toupper(static_cast<unsigned char>(c));
    if (u < 'A' || u >= 'A' + static_cast<int>(n)) return std::nullopt;
    const auto idx = static_cast<std::size_t>(u - 'A');
    bool dup = false;
    for (auto p : picked) dup = dup || p == idx;
    if (!dup) picked.push_back(idx);
  }
  if (picked.empty()) return std::nullopt;
  return picked;
}

std::optional<Answer> ask_multiple_choice(Console& con, const Question& q,
                                          const QuestionInstance& inst) {
  for (std::size_t i = 0; i < inst.choices.size(); ++i) {
    con.out() << "  " << static_cast<char>('A' + i) << ") ";
    std::string first = inst.choices[i];
    const auto nl = first.find('\n');
    con.out() << first.substr(0, nl) << "\n";
    if (nl != std::string::npos) print_indented(con.out(), first.substr(nl + 1), "     ");
  }
  const std::string hint = q.multi_select ? "Select all that apply (e.g. A,C): " : "Your choice: ";
  for (int tries = 0; tries < 5; ++tries) {
    auto line = con.ask(hint);
    if (!line) return std::nullopt;
    const std::string t = trim(*line);
    Answer a;
    if (auto letters = parse_letters(t, inst.choices.size())) {
      if (!q.multi_select && letters->size() > 1) {
        con.out() << "  Pick one letter.\n";
        continue;
      }
      a.kind = Answer::Kind::kChoices;
      for (auto i : *letters) a.choices.push_back(inst.choices[i]);
      return a;
    }
    // The text of a choice is accepted too.
    a.kind = Answer::Kind::kText;
    a.text = t;
    const auto resolved = resolve_choices(a, inst.choices);
    if (std::find(inst.choices.begin(), inst.choices.end(), resolved.front()) !=
        inst.choices.end()) {
      a.kind = Answer::Kind::kChoices;
      a.choices = resolved;
      return a;
    }
    con.out() << "  Type a letter from A to " << static_cast<char>('A' + inst.choices.size() - 1)
              << ".\n";
  }
  return std::nullopt;
}

std::optional<Answer> ask_tracing(Console& con, const Question& q) {
  con.out() << "\n";
  std::istringstream ss(q.program);
  std::string line;
  int n = 0;
  while (std::getline(ss, line)) {
    ++n;
    con.out() << (n < 10 ? "   " : "  ") << n << " | " << line << "\n";
  }
  con.out() << "\n";
  Answer a;
  a.kind = Answer::Kind::kTracing;
  for (int tries = 0;; ++tries) {
    auto yn = con.ask("Does this program compile? [y/n]: ");
    if (!yn) return std::nullopt;
    const std::string t = trim(*yn);
    if (t == "y" || t == "Y" || t == "yes") {
      a.does_compile = true;
      break;
    }
    if (t == "n" || t == "N" || t == "no") {
      a.does_compile = false;
      return a;
    }
    if (tries >= 4) return std::nullopt;
    con.out() << "  Answer y or n.\n";
  }
  con.out() << "What does it print? End with a line holding only \".\":\n";
  std::string output;
  for (;;) {
    auto l = con.ask("");
    if (!l || *l == ".") break;
    output += *l + "\n";
  }
  a.stdout_text = output;
  return a;
}

}  // namespace

TakeOutcome take_quiz(const Quiz& quiz, const TakeOptions& options, std::istream& in,
                      std::ostream& out) {
  Console con(in, out, options.echo_input);
  TakeOutcome outcome;
  outcome.max_score = quiz.max_score();
  outcome.answers.student = options.student;
  outcome.answers.file = "(typed)";
  out << "Quiz " << quiz.name << ": " << quiz.questions.size() << " questions, "
      << outcome.max_score << " points.\n";
  if (!options.student.empty()) out << "Student: " << options.student << "\n";

  std::string shown_multipart;
  std::size_t index = 0;
  for (const auto& q : quiz.questions) {
    ++index;
    auto inst = instantiate(q, options.student);
    if (!inst) {
      out << "Question " << q.id << " cannot be shown: " << inst.error() << "\n";
      continue;
    }
    out << "\n--- Question " << index << " of " << quiz.questions.size() << " (" << q.id
        << ") ---\n";
    if (!q.multipart.empty() && q.multipart != shown_multipart) {
      auto it = quiz.multipart.find(q.multipart);
      if (it != quiz.multipart.end()) print_indented(out, it->second, "");
      out << "\n";
      shown_multipart = q.multipart;
    }
    std::optional<Answer> answer;
    switch (q.type) {
      case QuestionType::kShortAnswer: {
        print_indented(out, inst->prompt, "");
        auto line = con.ask("> ");
        if (line) {
          Answer a;
          a.text = *line;
          answer = a;
        }
        break;
      }
      case QuestionType::kMultipleChoice:
        print_indented(out, inst->prompt, "");
        answer = ask_multiple_choice(con, q, *inst);
        break;
      case QuestionType::kTracing:
        out << "Does this program compile? If it does, what does it print?\n";
        answer = ask_tracing(con, q);
        break;
    }
    if (!answer) {
      out << "\nInput ended. Answered " << outcome.answered << " of " << quiz.questions.size()
          << " questions.\n";
      out << "Score: " << outcome.score << "/" << outcome.max_score << "\n";
      return outcome;
    }
    const QuestionResult r = grade_answer(*inst, answer);
    ++outcome.answered;
    outcome.score += r.points;
    outcome.answers.answers[q.id] = *answer;
    out << (r.correct ? "Correct." : "Not correct.") << "\n";
    if (!r.note.empty()) out << "(" << r.note << ")\n";
    if (!trim(q.context).empty()) {
      out << "\n";
      if (q.generator && !options.student.empty()) {
        out << "  (Explained on the example of the lesson; your numbers differ.)\n";
      }
      print_indented(out, trim(q.context), "  ");
    }
  }
  outcome.completed = true;
  out << "\nScore: " << outcome.score << "/" << outcome.max_score << "\n";
  return outcome;
}

}  // namespace wslab::quiz
