// Per-student instances of questions: substituted prompts, choice order, key.
#include "wslab/quiz/instance.hpp"

#include <algorithm>

namespace wslab::quiz {

std::string substitute(std::string text, const Params& example, const Params& student) {
  for (const auto& [key, value] : example) {
    auto it = student.find(key);
    if (it == student.end() || value.empty()) continue;
    std::string out;
    std::size_t from = 0;
    for (;;) {
      const std::size_t at = text.find(value, from);
      if (at == std::string::npos) break;
      out.append(text, from, at - from);
      out += it->second;
      from = at + value.size();
    }
    out.append(text, from, std::string::npos);
    text = std::move(out);
  }
  return text;
}

Result<GeneratedAnswer> solve_example(const Question& q) {
  if (!q.generator) return Error{"not a generated question"};
  const Generator* g = find_generator(q.generator->name);
  if (g == nullptr) return Error{"unknown generator '" + q.generator->name + "'"};
  return g->solve(q.generator->params);
}

namespace {

// mdbook-quiz: with answerIndex the answers are spliced in at that index;
// otherwise answers + distractors are shuffled (sortAnswers: sorted). We
// shuffle deterministically per student so a student's letters stay stable.
std::vector<std::string> choice_order(const Question& q, std::string_view student) {
  std::vector<std::string> choices = q.distractors;
  if (q.answer_index) {
    const auto at = static_cast<std::ptrdiff_t>(std::min(*q.answer_index, choices.size()));
    choices.insert(choices.begin() + at, q.answers.begin(), q.answers.end());
    return choices;
  }
  choices.insert(choices.begin(), q.answers.begin(), q.answers.end());
  if (q.sort_answers) {
    std::sort(choices.begin(), choices.end());
    return choices;
  }
  Rng rng(question_seed(q.id, std::string("order\n") + std::string(student)));
  for (std::size_t i = choices.size(); i > 1; --i) {  // Fisher-Yates
    std::swap(choices[i - 1], choices[static_cast<std::size_t>(rng.below(i))]);
  }
  return choices;
}

}  // namespace

Result<QuestionInstance> instantiate(const Question& q, std::string_view student) {
  QuestionInstance inst;
  inst.question = &q;
  inst.prompt = q.prompt;
  inst.answer = q.answer;
  inst.alternatives = q.alternatives;
  if (q.type == QuestionType::kMultipleChoice) inst.choices = choice_order(q, student);
  if (!q.generator) return inst;

  const Generator* g = find_generator(q.generator->name);
  if (g == nullptr) return Error{"unknown generator '" + q.generator->name + "'"};
  // Without a student: the example as mdBook shows it (lint checks that its
  // answer.answer is what core computes for the example params).
  if (student.empty()) return inst;
  Rng rng(question_seed(q.id, student));
  const Params mine = g->make(rng);
  auto solved = g->solve(mine);
  if (!solved) return Error{"generator '" + q.generator->name + "': " + solved.error()};
  inst.prompt = substitute(q.prompt, q.generator->params, mine);
  inst.answer = solved->answer;
  inst.alternatives = solved->alternatives;
  return inst;
}

}  // namespace wslab::quiz
