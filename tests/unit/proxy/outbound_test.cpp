#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "proxy/decision_log.hpp"
#include "proxy/outbound_connection.hpp"
#include "proxy/upstream_instances.hpp"

namespace gatehouse::proxy {
namespace {

using namespace std::chrono_literals;

TEST(AttemptOrder, RoundRobinDistinctAtMostThree) {
  EXPECT_EQ(attempt_order(1, 7), (std::vector<std::size_t>{0}));
  EXPECT_EQ(attempt_order(2, 0), (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(attempt_order(2, 1), (std::vector<std::size_t>{1, 0}));
  EXPECT_EQ(attempt_order(5, 3), (std::vector<std::size_t>{3, 4, 0}));
  EXPECT_TRUE(attempt_order(0, 3).empty());
}

TEST(AttemptBudget, EqualShareOfWhatIsLeft) {
  EXPECT_EQ(attempt_budget(9000ms, 3), 3000ms);
  EXPECT_EQ(attempt_budget(9000ms, 1), 9000ms);
  EXPECT_EQ(attempt_budget(0ms, 2), 0ms);
  EXPECT_EQ(attempt_budget(-5ms, 1), 0ms);
  EXPECT_EQ(attempt_budget(2ms, 3), 1ms);
}

// Two db sidecars as GET /v1/health/connect/db?passing returns them (agent/health_endpoint.go
// HealthConnectServiceNodes), one with its own Service.Address, and a Connect-native instance.
TEST(ToInstances, DialAddressAndExpectedIdentity) {
  const auto entries = nlohmann::json::parse(R"([
    {"Node": {"Node": "n1", "Address": "10.0.0.12", "Datacenter": "dc1"},
     "Service": {"Kind": "connect-proxy", "ID": "db-sidecar-proxy", "Service": "db-sidecar-proxy",
                 "Address": "", "Port": 21000,
                 "Proxy": {"DestinationServiceName": "db", "DestinationServiceID": "db"},
                 "Connect": {}},
     "Checks": []},
    {"Node": {"Node": "n2", "Address": "10.0.0.13", "Datacenter": ""},
     "Service": {"Kind": "connect-proxy", "ID": "db2", "Service": "db-sidecar-proxy",
                 "Address": "127.0.0.1", "Port": 21001,
                 "Proxy": {"DestinationServiceName": "db"}, "Connect": {}},
     "Checks": []},
    {"Node": {"Node": "n3", "Address": "10.0.0.14", "Datacenter": "dc2"},
     "Service": {"ID": "db-native", "Service": "db", "Address": "", "Port": 8443,
                 "Proxy": {}, "Connect": {"Native": true}},
     "Checks": []}
  ])")
                           .get<std::vector<consul::ServiceEntry>>();
  const auto instances = to_instances(entries, "dcX");
  ASSERT_EQ(instances.size(), 3U);
  EXPECT_EQ(instances[0].address(), "10.0.0.12:21000");
  EXPECT_EQ(instances[0].expected.service, "db");
  EXPECT_EQ(instances[0].expected.datacenter, "dc1");
  EXPECT_EQ(instances[0].expected.ns, "default");
  EXPECT_EQ(instances[1].address(), "127.0.0.1:21001");
  EXPECT_EQ(instances[1].expected.datacenter, "dcX");  // node without one: the agent's
  EXPECT_EQ(instances[2].address(), "10.0.0.14:8443");
  EXPECT_EQ(instances[2].expected.service, "db");
  EXPECT_EQ(instances[2].expected.datacenter, "dc2");
}

TEST(OutboundLog, FieldsInTheDocumentedOrder) {
  ConnRecord r;
  r.direction = Direction::outbound;
  r.outcome = Outcome::accepted;
  r.upstream = "db";
  r.dst = "spiffe://11111111-2222-3333-4444-555555555555.consul/ns/default/dc/dc1/svc/db";
  r.dst_service = "db";
  r.src_service = "web";
  r.peer = "127.0.0.1:50000";
  r.instance = "127.0.0.1:21000";
  r.attempts = 2;
  r.reason = "connect 127.0.0.1:21001: Connection refused";
  r.bytes_in = 5;
  r.bytes_out = 6;
  r.dur_ms = 7;
  r.conn_id = 8;
  EXPECT_EQ(conn_fields(r).text(),
            "event=conn direction=outbound outcome=accepted upstream=db "
            "dst=spiffe://11111111-2222-3333-4444-555555555555.consul/ns/default/dc/dc1/svc/db "
            "dst_service=db src_service=web peer=127.0.0.1:50000 instance=127.0.0.1:21000 "
            "attempts=2 reason=\"connect 127.0.0.1:21001: Connection refused\" bytes_in=5 "
            "bytes_out=6 dur_ms=7 tls_resumed=false conn=8");
}

}  // namespace
}  // namespace gatehouse::proxy
