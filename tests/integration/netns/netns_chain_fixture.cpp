#include "tests/integration/netns/netns_chain_fixture.hpp"

#include <sstream>
#include <thread>
#include <vector>

#include "tests/integration/netns/echo_stream.hpp"
#include "tests/integration/support/in_netns.hpp"
#include "tests/integration/support/loopback_port.hpp"

namespace gatehouse::testing {

void NetnsChainTest::SetUp() {
  try {
    bed_ = std::make_unique<NetnsTestbed>(std::vector<std::string>{"agent", "web", "db"});
  } catch (const NetnsUnavailable& e) {
    GTEST_SKIP() << "network namespace test bed unavailable: " << e.what();
  }
  agent_ = std::make_unique<DevAgentProcess>(
      std::vector<std::string>{},
      AgentLaunch{bed_->exec("agent", {}), bed_->address("agent") + ":0"});
  const std::string agent_url = agent_->base_url();

  echo_ = std::make_unique<ChildProcess>(
      bed_->exec("db", {GATEHOUSE_BINARY, "echo", "-listen", "127.0.0.1:0"}));
  const auto echo_line = echo_->wait_for_line("event=listening");
  ASSERT_TRUE(echo_line) << echo_->output();

  db_ = std::make_unique<ChildProcess>(
      bed_->exec("db", {GATEHOUSE_BINARY, "proxy", "-service", "db", "-service-addr",
                        field(*echo_line, "addr"), "-listen", bed_->address("db") + ":0",
                        "-register", "-http-addr", agent_url, "-workers", "2"}));
  const auto db_line = db_->wait_for_line("event=listening listener=public", 20s);
  ASSERT_TRUE(db_line) << db_->output();
  db_port_ = port_of(field(*db_line, "addr"));
  ASSERT_TRUE(db_->wait_for_line("event=registered", 20s)) << db_->output();

  web_ = std::make_unique<ChildProcess>(
      bed_->exec("web", {GATEHOUSE_BINARY, "proxy", "-service", "web", "-upstream",
                         "db:127.0.0.1:0", "-http-addr", agent_url, "-workers", "2"}));
  const auto up = web_->wait_for_line("event=listening listener=upstream upstream=db", 20s);
  ASSERT_TRUE(up) << web_->output();
  upstream_port_ = port_of(field(*up, "addr"));
  // The one instance web finds is db's sidecar on the db host, across the bridge.
  const auto instances = web_->wait_for_line("event=upstream_instances upstream=db count=1", 20s);
  ASSERT_TRUE(instances) << web_->output();
  ASSERT_EQ(field(*instances, "instances"), bed_->address("db") + ":" + std::to_string(db_port_));
  ASSERT_TRUE(web_->wait_for_line("event=tls_updated", 20s)) << web_->output();
}

int NetnsChainTest::connect_upstream() const {
  return in_netns(bed_->ns("web"),
                  [port = upstream_port_] { return connect_tcp("127.0.0.1", port); });
}

std::string NetnsChainTest::conn_line(const ChildProcess& sidecar, int id) {
  const std::string want = std::to_string(id);
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  do {
    std::istringstream in{sidecar.output()};
    for (std::string line; std::getline(in, line);) {
      if (line.find("event=conn ") != std::string::npos && field(line, "conn") == want) {
        return line;
      }
    }
    std::this_thread::sleep_for(50ms);
  } while (std::chrono::steady_clock::now() < deadline);
  ADD_FAILURE() << "no event=conn line for conn=" << id << " in:\n" << sidecar.output();
  return {};
}

}  // namespace gatehouse::testing
