// -revoke through the real sidecar and dev agent: an open connection whose intention flips to
// deny is closed (close_notify) within a second of the change and logged outcome=revoked with
// Consul's reason; another caller's connection, still allowed, keeps relaying; -revoke=false keeps
// Consul's behaviour (decided at connect only).
#include <chrono>

#include "tests/integration/proxy/proxy_fixture.hpp"

namespace gatehouse::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class Revocation : public ProxyTest,
                   public ::testing::WithParamInterface<std::vector<std::string>> {
 protected:
  static bool echoes(TlsClient& client, const std::string& message) {
    return client.write(message) && client.read_exactly(message.size()) == message;
  }
};

TEST_P(Revocation, AFlipToDenyClosesTheOpenConnectionWithinASecond) {
  put_intention("web", "db", "allow");
  start_proxy(GetParam());
  ASSERT_TRUE(proxy_->wait_for_line("event=intentions service=db")) << proxy_->output();
  const auto web = client_context("web");
  const auto api = client_context("api");
  TlsClient open_web{native(web), proxy_port_};
  ASSERT_TRUE(open_web.handshake()) << open_web.error();
  ASSERT_TRUE(echoes(open_web, "ping"));
  TlsClient open_api{native(api), proxy_port_};
  ASSERT_TRUE(open_api.handshake()) << open_api.error();
  ASSERT_TRUE(echoes(open_api, "ping"));

  const auto flipped = Clock::now();
  put_intention("web", "db", "deny");
  EXPECT_EQ(open_web.read_to_end(), "");  // returns at the close_notify
  const auto closed_after = Clock::now() - flipped;
  EXPECT_EQ(open_web.end(), TlsEnd::clean_close) << open_web.error();
  // The promise is a close within 1 s of the change; it takes milliseconds here.
  EXPECT_LT(closed_after, 1s);

  const auto line = proxy_line("outcome=revoked");
  EXPECT_EQ(field(line, "src_service"), "web");
  EXPECT_EQ(field(line, "reason"),
            "Matched L4 intention: default/web => default/db (Precedence: 9, Action: DENY)");
  EXPECT_EQ(field(line, "intention"), "default/web => default/db");
  EXPECT_EQ(field(line, "end"), "revoked");
  EXPECT_EQ(field(line, "bytes_in"), "4");
  EXPECT_EQ(field(line, "bytes_out"), "4");

  // api is still allowed (default): its connection keeps relaying.
  EXPECT_TRUE(echoes(open_api, "still"));
  open_api.send_close_notify();
  EXPECT_EQ(proxy_->terminate(), 0);
  EXPECT_EQ(proxy_->output().find("outcome=revoked src=spiffe://"),
            proxy_->output().rfind("outcome=revoked src=spiffe://"))
      << "only one connection may be revoked:\n"
      << proxy_->output();
}

INSTANTIATE_TEST_SUITE_P(AuthzModes, Revocation,
                         ::testing::Values(std::vector<std::string>{},
                                           std::vector<std::string>{"-authz", "local"}),
                         [](const ::testing::TestParamInfo<std::vector<std::string>>& param) {
                           return param.param.empty() ? "Agent" : "Local";
                         });

TEST_F(ProxyTest, RevokeFalseKeepsConsulsDecideAtConnectOnly) {
  put_intention("web", "db", "allow");
  start_proxy({"-revoke=false"});
  const auto web = client_context("web");
  TlsClient open_web{native(web), proxy_port_};
  ASSERT_TRUE(open_web.handshake()) << open_web.error();
  ASSERT_TRUE(open_web.write("one") && open_web.read_exactly(3) == "one");
  put_intention("web", "db", "deny");
  // A new connection is denied at once (the agent decides it), the open one keeps relaying.
  {
    TlsClient denied{native(web), proxy_port_};
    ASSERT_TRUE(denied.handshake()) << denied.error();
    EXPECT_EQ(denied.read_to_end(), "");
  }
  EXPECT_EQ(field(conn_line(2), "outcome"), "denied");
  EXPECT_TRUE(open_web.write("two") && open_web.read_exactly(3) == "two");
  EXPECT_EQ(proxy_->output().find("event=intentions"), std::string::npos) << "no watch expected";
  open_web.send_close_notify();
  EXPECT_EQ(open_web.read_to_end(), "bye\n");
  EXPECT_EQ(proxy_->terminate(), 0);
}

}  // namespace
}  // namespace gatehouse::testing
