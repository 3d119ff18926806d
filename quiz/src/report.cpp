// Grade reports and atomic file writing.
#include "wslab/quiz/report.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace wslab::quiz {

using nlohmann::json;
namespace fs = std::filesystem;

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos &&
      (s.empty() || (s.front() != ' ' && s.back() != ' '))) {
    return s;
  }
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string class_csv(const Quiz& quiz, const ClassResult& r) {
  std::string out = "student";
  for (const auto& q : quiz.questions) out += "," + csv_field(q.id);
  out += ",score,max_score\n";
  for (const auto& s : r.students) {
    out += csv_field(s.student);
    for (const auto& qr : s.questions) out += "," + std::to_string(qr.points);
    out += "," + std::to_string(s.score) + "," + std::to_string(s.max_score) + "\n";
  }
  return out;
}

namespace {

std::string test_output(const QuestionResult& qr) {
  if (!qr.answered) return "No answer given.";
  std::string out = "Your answer: " + qr.given + "\n";
  out += qr.correct ? "Correct." : "Not correct.";
  if (!qr.note.empty()) out += "\nNote: " + qr.note + ".";
  return out;
}

json student_json(const StudentResult& s) {
  json qs = json::array();
  for (const auto& qr : s.questions) {
    json q = {{"id", qr.id},
              {"points", qr.points},
              {"max_points", qr.max_points},
              {"answered", qr.answered},
              {"correct", qr.correct},
              {"answer", qr.given}};
    if (!qr.note.empty()) q["note"] = qr.note;
    qs.push_back(std::move(q));
  }
  return {{"student", s.student},
          {"source", s.source},
          {"score", s.score},
          {"max_score", s.max_score},
          {"questions", std::move(qs)}};
}

}  // namespace

std::string gradescope_json(const Quiz& quiz, const StudentResult& s) {
  json tests = json::array();
  int n = 0;
  for (const auto& qr : s.questions) {
    ++n;
    tests.push_back({{"number", std::to_string(n)},
                     {"name", quiz.name + ": " + qr.id},
                     {"score", qr.points},
                     {"max_score", qr.max_points},
                     {"status", qr.correct ? "passed" : "failed"},
                     {"output", test_output(qr)},
                     {"visibility", "visible"}});
  }
  json doc = {{"score", s.score},
              {"output", "Quiz " + quiz.name + ": " + std::to_string(s.score) + "/" +
                             std::to_string(s.max_score)},
              {"visibility", "visible"},
              {"tests", std::move(tests)}};
  return doc.dump(2) + "\n";
}

std::string class_json(const Quiz& quiz, const ClassResult& r) {
  json students = json::array();
  for (const auto& s : r.students) students.push_back(student_json(s));
  json doc = {{"quiz", quiz.name},
              {"quiz_file", quiz.path},
              {"max_score", r.max_score},
              {"students", std::move(students)}};
  return doc.dump(2) + "\n";
}

Result<ReportFormat> parse_report_format(const std::string& name) {
  if (name == "csv") return ReportFormat::kCsv;
  if (name == "gradescope") return ReportFormat::kGradescope;
  if (name == "json") return ReportFormat::kJson;
  return Error{"unknown format '" + name + "' (use csv, gradescope or json)"};
}

ReportFiles render_reports(const Quiz& quiz, const ClassResult& r,
                           const std::vector<ReportFormat>& formats) {
  ReportFiles files;
  for (ReportFormat f : formats) {
    switch (f) {
      case ReportFormat::kCsv:
        files.emplace_back("grades.csv", class_csv(quiz, r));
        break;
      case ReportFormat::kJson:
        files.emplace_back("grades.json", class_json(quiz, r));
        break;
      case ReportFormat::kGradescope:
        if (r.students.size() == 1) {
          files.emplace_back("results.json", gradescope_json(quiz, r.students.front()));
        } else {
          for (const auto& s : r.students) {
            files.emplace_back("gradescope/" + s.student + "/results.json",
                               gradescope_json(quiz, s));
          }
        }
        break;
    }
  }
  return files;
}

Status write_file_atomically(const std::string& path, const std::string& content) {
  const fs::path target(path);
  std::error_code ec;
  if (target.has_parent_path()) {
    fs::create_directories(target.parent_path(), ec);
    if (ec) return Status::fail(target.parent_path().string() + ": " + ec.message());
  }
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return Status::fail(tmp + ": cannot create (" + std::strerror(errno) + ")");
    out << content;
    out.flush();
    if (!out) {
      std::remove(tmp.c_str());
      return Status::fail(tmp + ": write failed");
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    std::remove(tmp.c_str());
    return Status::fail(path + ": cannot rename the temporary file into place (" + why + ")");
  }
  return Status::ok();
}

Status write_reports(const std::string& dir, const ReportFiles& files) {
  for (const auto& [rel, content] : files) {
    if (auto st = write_file_atomically((fs::path(dir) / rel).string(), content); !st) return st;
  }
  return Status::ok();
}

}  // namespace wslab::quiz
