#pragma once
// Starts `gatehouse dev-agent -http-addr 127.0.0.1:0`, reads the port from its listening line, and
// talks to it with curl. The agent is stopped (SIGTERM) when the fixture ends, even on failure.

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/integration/support/child_process.hpp"

namespace gatehouse::testing {

struct HttpReply {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;

  std::string header(const std::string& name) const;
  nlohmann::json json() const { return nlohmann::json::parse(body); }
};

// Where a dev agent runs: by default on loopback in this network namespace. With a `prefix`
// (e.g. `ip netns exec NS`) the agent and every curl to it run through that prefix.
struct AgentLaunch {
  std::vector<std::string> prefix;
  std::string listen = "127.0.0.1:0";
};

// A running dev agent on a free port.
class DevAgentProcess {
 public:
  explicit DevAgentProcess(std::vector<std::string> extra_flags = {}, AgentLaunch launch = {});
  const std::string& base_url() const { return base_url_; }
  ChildProcess& process() { return *process_; }

  // One request with curl; `body` is sent as-is (also when empty, for methods that need it).
  HttpReply request(const std::string& method, const std::string& path,
                    const std::optional<std::string>& body = std::nullopt,
                    const std::vector<std::string>& curl_args = {}) const;
  HttpReply get(const std::string& path) const { return request("GET", path); }
  HttpReply put(const std::string& path, const std::string& body) const {
    return request("PUT", path, body);
  }
  HttpReply post(const std::string& path, const std::string& body) const {
    return request("POST", path, body);
  }

 private:
  std::vector<std::string> prefix_;
  std::unique_ptr<ChildProcess> process_;
  std::string base_url_;
};

class DevAgentTest : public ::testing::Test {
 protected:
  DevAgentProcess agent_;
};

// A file removed when the object goes away.
class TempFile {
 public:
  explicit TempFile(const std::string& contents);
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace gatehouse::testing
