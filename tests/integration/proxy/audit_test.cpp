// `gatehouse proxy -audit` against the real dev agent: a caller the intentions deny is relayed
// and marked, with Consul's reason verbatim.
#include "tests/integration/proxy/proxy_fixture.hpp"

namespace gatehouse::testing {
namespace {

TEST_F(ProxyTest, AuditRelaysACallerTheIntentionsDenyAndMarksItAuditDenied) {
  put_intention("web", "db", "deny");
  start_proxy({"-audit"});
  const auto web = client_context("web");
  TlsClient client{native(web), proxy_port_};
  ASSERT_TRUE(client.handshake()) << client.error();
  ASSERT_TRUE(client.write("ping\n"));
  EXPECT_EQ(client.read_exactly(5), "ping\n");
  client.send_close_notify();  // the echo app answers "bye" to the EOF
  EXPECT_EQ(client.read_to_end(), "bye\n");
  EXPECT_EQ(client.end(), TlsEnd::clean_close) << client.error();

  const auto line = conn_line(1);
  EXPECT_EQ(field(line, "outcome"), "audit_denied") << line;
  EXPECT_EQ(field(line, "src_service"), "web");
  EXPECT_EQ(field(line, "reason"),
            "Matched L4 intention: default/web => default/db (Precedence: 9, Action: DENY)");
  EXPECT_EQ(field(line, "decision_source"), "agent");
  EXPECT_EQ(field(line, "intention"), "default/web => default/db");
  EXPECT_EQ(field(line, "bytes_in"), "5");
  EXPECT_EQ(field(line, "bytes_out"), "9");
  EXPECT_EQ(field(line, "end"), "client_closed");
  EXPECT_TRUE(echo_accepted(1));
}

}  // namespace
}  // namespace gatehouse::testing
