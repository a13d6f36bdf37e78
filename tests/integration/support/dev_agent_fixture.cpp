#include "tests/integration/support/dev_agent_fixture.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace gatehouse::testing {

std::string HttpReply::header(const std::string& name) const {
  std::string key = name;
  std::ranges::transform(key, key.begin(), [](unsigned char c) { return std::tolower(c); });
  auto it = headers.find(key);
  return it == headers.end() ? std::string{} : it->second;
}

DevAgentProcess::DevAgentProcess(std::vector<std::string> extra_flags, AgentLaunch launch)
    : prefix_(std::move(launch.prefix)) {
  std::vector<std::string> argv = prefix_;
  argv.insert(argv.end(), {GATEHOUSE_BINARY, "dev-agent", "-http-addr", launch.listen});
  argv.insert(argv.end(), extra_flags.begin(), extra_flags.end());
  process_ = std::make_unique<ChildProcess>(argv);
  const auto line = process_->wait_for_line("event=listening");
  if (!line) throw std::runtime_error("dev agent did not start:\n" + process_->output());
  base_url_ = "http://" + field(*line, "addr");
}

HttpReply DevAgentProcess::request(const std::string& method, const std::string& path,
                                   const std::optional<std::string>& body,
                                   const std::vector<std::string>& curl_args) const {
  std::vector<std::string> argv = prefix_;
  argv.insert(argv.end(), {"curl", "-sS", "-i", "-X", method});
  if (body) {
    argv.emplace_back("--data-binary");
    argv.emplace_back("@-");
  }
  argv.insert(argv.end(), curl_args.begin(), curl_args.end());
  argv.push_back(base_url_ + path);
  const auto r = run_command(argv, body.value_or(""));
  if (r.exit_code != 0) throw std::runtime_error("curl failed: " + r.err);
  HttpReply reply;
  std::istringstream in{r.out};
  std::string line;
  std::getline(in, line);  // HTTP/1.1 200 OK
  reply.status = std::stoi(line.substr(line.find(' ') + 1, 3));
  while (std::getline(in, line) && line != "\r" && !line.empty()) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    std::ranges::transform(name, name.begin(), [](unsigned char c) { return std::tolower(c); });
    std::string value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ')) value.erase(0, 1);
    while (!value.empty() && (value.back() == '\r' || value.back() == ' ')) value.pop_back();
    reply.headers[name] = value;
  }
  std::ostringstream rest;
  rest << in.rdbuf();
  reply.body = rest.str();
  return reply;
}

TempFile::TempFile(const std::string& contents) {
  std::string tmpl = ::testing::TempDir() + "gatehouse-XXXXXX";
  const int fd = ::mkstemp(tmpl.data());
  if (fd < 0) throw std::runtime_error("mkstemp failed");
  ::close(fd);
  path_ = tmpl;
  std::ofstream{path_} << contents;
}

TempFile::~TempFile() { ::unlink(path_.c_str()); }

}  // namespace gatehouse::testing
