#pragma once
// The sidecar chain on three hosts of a network-namespace test bed (netns_testbed.hpp):
//
//   agent  gatehouse dev-agent -http-addr <agent>:0
//   db     gatehouse echo on 127.0.0.1, and `gatehouse proxy -service db -listen <db>:0
//          -register` in front of it
//   web    `gatehouse proxy -service web -upstream db:127.0.0.1:0`
//
// Both sidecars talk to the agent over the bridge (-http-addr). A test client in web's namespace
// connects to the upstream listener; its bytes cross the web and db veths as mTLS. Skipped when
// the bed cannot be made (not root).

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>

#include "tests/integration/support/child_process.hpp"
#include "tests/integration/support/dev_agent_fixture.hpp"
#include "tests/integration/support/netns_testbed.hpp"

namespace gatehouse::testing {

class NetnsChainTest : public ::testing::Test {
 protected:
  void SetUp() override;

  // A socket in web's namespace connected to web's upstream listener for db (-1 on failure).
  int connect_upstream() const;
  // The `event=conn` line with conn=<id> of a sidecar, waiting up to 20 s ("" and a failure if
  // it does not come).
  static std::string conn_line(const ChildProcess& sidecar, int id);

  // Destroyed in reverse: the sidecars stop before the agent, the namespaces go last.
  std::unique_ptr<NetnsTestbed> bed_;
  std::unique_ptr<DevAgentProcess> agent_;
  std::unique_ptr<ChildProcess> echo_;
  std::unique_ptr<ChildProcess> db_;
  std::unique_ptr<ChildProcess> web_;
  std::uint16_t db_port_ = 0;        // db's public listener on the db address
  std::uint16_t upstream_port_ = 0;  // web's upstream listener on 127.0.0.1 in web's namespace
};

}  // namespace gatehouse::testing
