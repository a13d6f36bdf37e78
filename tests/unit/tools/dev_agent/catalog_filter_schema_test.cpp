// `?filter=` over the catalog, health and agent lists: go-bexpr v0.1.2 (evaluate.go, validate.go)
// with the selectors Consul's structs give (agent/structs/structs_filtering_test.go
// expectedFieldConfigNode, …NodeService, …ServiceNode, …HealthCheck, …CheckServiceNode). A
// selector through a slice of structs matches when any element does (evaluate.go: "operations on
// slices are implicitly ANY operations").
#include "tools/dev_agent/catalog_filter_schema.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tools/dev_agent/filter_expression.hpp"

namespace gatehouse::tools {
namespace {

using nlohmann::json;

constexpr std::string_view kPrefix = "Failed to create boolean expression evaluator: ";

// The items the expression keeps, by their `key`, space separated.
std::string kept(std::string_view text, const FilterField& schema, const json& items,
                 const std::string& key) {
  auto filter = FilterExpression::create(text, schema);
  EXPECT_TRUE(filter.has_value()) << text << ": " << (filter ? "" : filter.error());
  if (!filter) return "<error>";
  std::string out;
  for (const auto& item : items) {
    if (filter->matches(item)) out += (out.empty() ? "" : " ") + item[key].get<std::string>();
  }
  return out;
}

std::string error_of(std::string_view text, const FilterField& schema) {
  auto filter = FilterExpression::create(text, schema);
  EXPECT_FALSE(filter.has_value()) << text;
  if (filter) return "";
  EXPECT_EQ(filter.error().substr(0, kPrefix.size()), kPrefix);
  return filter.error().substr(kPrefix.size());
}

const json kNodes = json::parse(R"([
  {"ID":"a1","Node":"n1","Address":"10.0.0.1","Datacenter":"dc1",
   "TaggedAddresses":{"lan":"10.0.0.1"},"Meta":{"rack":"r1"}},
  {"ID":"b2","Node":"n2","Address":"10.0.0.2","Datacenter":"dc1","TaggedAddresses":{},"Meta":{}}
])");

TEST(CatalogFilterSchema, Node) {
  const auto& schema = node_filter_schema();
  EXPECT_EQ(kept(R"(Node == "n2")", schema, kNodes, "Node"), "n2");
  EXPECT_EQ(kept("Meta.rack == r1", schema, kNodes, "Node"), "n1");
  EXPECT_EQ(kept("Meta.rack != r1", schema, kNodes, "Node"), "n2");  // a missing key is !=
  EXPECT_EQ(kept(R"("lan" in TaggedAddresses)", schema, kNodes, "Node"), "n1");
  EXPECT_EQ(kept("Meta is empty", schema, kNodes, "Node"), "n2");
  EXPECT_EQ(kept(R"(Address matches "\\.2$")", schema, kNodes, "Node"), "n2");
  EXPECT_EQ(kept(R"(PeerName == "")", schema, kNodes, "Node"), "n1 n2");  // omitted = ""
  EXPECT_EQ(error_of("NodeMeta.rack == r1", schema), R"(Selector "NodeMeta" is not valid)");
  EXPECT_EQ(error_of("Meta == r1", schema),
            R"(Invalid match operator "Equal" for selector "Meta")");
}

const json kServices = json::parse(R"([
  {"ID":"web-1","Service":"web","Tags":["v1"],"Port":8080,"Meta":{"env":"prod"},
   "TaggedAddresses":{"lan":{"Address":"10.0.0.1","Port":8080}},
   "Weights":{"Passing":1,"Warning":1},"EnableTagOverride":false},
  {"ID":"web-2","Service":"web","Tags":["v1","v2"],"Port":8081,"Meta":{},
   "Weights":{"Passing":3,"Warning":1},"EnableTagOverride":true,"Connect":{"Native":true}},
  {"ID":"web-sidecar","Kind":"connect-proxy","Service":"web-sidecar-proxy","Tags":[],"Port":21000,
   "Proxy":{"DestinationServiceName":"web","LocalServicePort":8080,
            "Upstreams":[{"DestinationType":"service","DestinationName":"db","LocalBindPort":9191},
                         {"DestinationType":"service","DestinationName":"cache",
                          "LocalBindPort":9292}]}}
])");

TEST(CatalogFilterSchema, NodeService) {
  const auto& schema = node_service_filter_schema();
  EXPECT_EQ(kept(R"(Service == "web")", schema, kServices, "ID"), "web-1 web-2");
  EXPECT_EQ(kept(R"(Tags contains "v2")", schema, kServices, "ID"), "web-2");
  EXPECT_EQ(kept(R"("v1" not in Tags)", schema, kServices, "ID"), "web-sidecar");
  EXPECT_EQ(kept("Tags is empty", schema, kServices, "ID"), "web-sidecar");
  EXPECT_EQ(kept("Port == 8081", schema, kServices, "ID"), "web-2");
  EXPECT_EQ(kept("Weights.Passing == 3", schema, kServices, "ID"), "web-2");
  EXPECT_EQ(kept("Connect.Native == true", schema, kServices, "ID"), "web-2");
  EXPECT_EQ(kept("TaggedAddresses.lan.Port == 8080", schema, kServices, "ID"), "web-1");
  EXPECT_EQ(kept(R"(Kind == "connect-proxy")", schema, kServices, "ID"), "web-sidecar");
  // A slice of structs: any upstream matching is enough.
  EXPECT_EQ(kept("Proxy.Upstreams.DestinationName == cache", schema, kServices, "ID"),
            "web-sidecar");
  EXPECT_EQ(kept("Proxy.Upstreams.LocalBindPort != 9191", schema, kServices, "ID"), "web-sidecar");
  EXPECT_EQ(kept("Proxy.Upstreams is not empty", schema, kServices, "ID"), "web-sidecar");
  EXPECT_EQ(error_of("Tags == v1", schema),
            R"(Invalid match operator "Equal" for selector "Tags")");
  EXPECT_EQ(error_of("ServiceConnect.Native == true", schema),
            R"(Selector "ServiceConnect" is not valid)");
  EXPECT_EQ(error_of("Proxy.Upstreams == db", schema),
            R"(Invalid match operator "Equal" for selector "Proxy.Upstreams")");
  EXPECT_EQ(
      error_of("Port == eighty", schema),
      R"(Failed to coerce value "eighty" for selector "Port": strconv.ParseInt: parsing "eighty": invalid syntax)");
}

const json kServiceNodes = json::parse(R"([
  {"ID":"a1","Node":"n1","NodeMeta":{"rack":"r1"},"ServiceID":"web-1","ServiceName":"web",
   "ServiceTags":["v1"],"ServiceMeta":{"env":"prod"},"ServicePort":8080,
   "ServiceWeights":{"Passing":1,"Warning":1},"ServiceConnect":{},
   "ServiceProxy":{"Upstreams":[]}},
  {"ID":"a1","Node":"n1","NodeMeta":{"rack":"r1"},"ServiceID":"web-2","ServiceName":"web",
   "ServiceTags":["v2"],"ServiceMeta":{"env":"dev"},"ServicePort":8081,
   "ServiceWeights":{"Passing":1,"Warning":1},"ServiceConnect":{"Native":true},
   "ServiceProxy":{"Upstreams":[{"DestinationName":"db"}]}}
])");

TEST(CatalogFilterSchema, ServiceNode) {
  const auto& schema = service_node_filter_schema();
  EXPECT_EQ(kept(R"(ServiceMeta.env == "prod")", schema, kServiceNodes, "ServiceID"), "web-1");
  EXPECT_EQ(kept(R"(ServiceTags contains "v2")", schema, kServiceNodes, "ServiceID"), "web-2");
  EXPECT_EQ(kept("ServiceConnect.Native == true", schema, kServiceNodes, "ServiceID"), "web-2");
  EXPECT_EQ(
      kept("ServiceProxy.Upstreams.DestinationName == db", schema, kServiceNodes, "ServiceID"),
      "web-2");
  EXPECT_EQ(kept("NodeMeta.rack == r1 and ServicePort != 8080", schema, kServiceNodes, "ServiceID"),
            "web-2");
  EXPECT_EQ(error_of("Service == web", schema), R"(Selector "Service" is not valid)");
  EXPECT_EQ(error_of("ServiceTags matches v", schema),
            R"(Invalid match operator "Matches" for selector "ServiceTags")");
}

const json kChecks = json::parse(R"([
  {"Node":"n1","CheckID":"service:web-1","Name":"web check","Status":"passing",
   "ServiceID":"web-1","ServiceName":"web","ServiceTags":["v1"],"Type":"ttl","ExposedPort":0},
  {"Node":"n1","CheckID":"serfHealth","Name":"Serf Health Status","Status":"critical",
   "ServiceID":"","ServiceName":"","ServiceTags":[],"Type":""}
])");

TEST(CatalogFilterSchema, HealthCheck) {
  const auto& schema = health_check_filter_schema();
  EXPECT_EQ(kept(R"(Status == "critical")", schema, kChecks, "CheckID"), "serfHealth");
  EXPECT_EQ(kept(R"(CheckID matches "^service:")", schema, kChecks, "CheckID"), "service:web-1");
  EXPECT_EQ(kept("ServiceTags is empty", schema, kChecks, "CheckID"), "serfHealth");
  EXPECT_EQ(kept("v1 in ServiceTags", schema, kChecks, "CheckID"), "service:web-1");
  EXPECT_EQ(kept("ExposedPort == 0", schema, kChecks, "CheckID"), "service:web-1 serfHealth");
  EXPECT_EQ(error_of("CheckId == serfHealth", schema), R"(Selector "CheckId" is not valid)");
  EXPECT_EQ(error_of(R"(Definition.TTL == "10s")", schema),
            R"(Selector "Definition" is not valid)");
}

const json kEntries = json::parse(R"([
  {"Node":{"Node":"n1","Meta":{"rack":"r1"}},
   "Service":{"ID":"web-1","Service":"web","Tags":["v1"],"Port":8080},
   "Checks":[{"CheckID":"serfHealth","Status":"passing"},
             {"CheckID":"service:web-1","Status":"critical","ServiceTags":["v1"]}]},
  {"Node":{"Node":"n1","Meta":{"rack":"r1"}},
   "Service":{"ID":"web-2","Service":"web","Tags":["v1","v2"],"Port":8081},
   "Checks":[{"CheckID":"serfHealth","Status":"passing"},
             {"CheckID":"service:web-2","Status":"passing","ServiceTags":["v1","v2"]}]},
  {"Node":{"Node":"n1","Meta":{"rack":"r1"}},
   "Service":{"ID":"web-3","Service":"web","Tags":[],"Port":8082},
   "Checks":[]}
])");

std::string kept_entries(std::string_view text) {
  auto filter = FilterExpression::create(text, check_service_node_filter_schema());
  EXPECT_TRUE(filter.has_value()) << text << ": " << (filter ? "" : filter.error());
  if (!filter) return "<error>";
  std::string out;
  for (const auto& e : kEntries) {
    if (filter->matches(e)) out += (out.empty() ? "" : " ") + e["Service"]["ID"].get<std::string>();
  }
  return out;
}

TEST(CatalogFilterSchema, CheckServiceNode) {
  EXPECT_EQ(kept_entries(R"(Service.Tags contains "v2")"), "web-2");
  EXPECT_EQ(kept_entries(R"(Service.ID == "web-3")"), "web-3");
  EXPECT_EQ(kept_entries("Node.Meta.rack == r1"), "web-1 web-2 web-3");
  // Checks is a slice of structs: a selector through it matches when any check does, so
  // `!=` keeps an entry with one non-passing check and drops one without checks.
  EXPECT_EQ(kept_entries("Checks.Status == critical"), "web-1");
  EXPECT_EQ(kept_entries("Checks.Status == passing"), "web-1 web-2");
  EXPECT_EQ(kept_entries("Checks.Status != passing"), "web-1");
  EXPECT_EQ(kept_entries("not Checks.Status != passing"), "web-2 web-3");
  EXPECT_EQ(kept_entries("v2 in Checks.ServiceTags"), "web-2");
  EXPECT_EQ(kept_entries("Checks is empty"), "web-3");
  const auto& schema = check_service_node_filter_schema();
  EXPECT_EQ(error_of("Checks == passing", schema),
            R"(Invalid match operator "Equal" for selector "Checks")");
  EXPECT_EQ(error_of("Service.ServiceName == web", schema),
            R"(Selector "Service.ServiceName" is not valid)");
  EXPECT_EQ(error_of("Checks.Definition.HTTP == x", schema),
            R"(Selector "Checks.Definition" is not valid)");
}

// agent/agent_endpoint.go AgentChecks: bexpr.CreateFilter(expr, nil, nil) checks the syntax only;
// the selectors fail when the first item is evaluated, without the prefix.
TEST(CatalogFilterSchema, UnboundFilterDefersTheSelectorCheck) {
  const auto& schema = health_check_filter_schema();
  auto unfit = FilterExpression::create_unbound("Foo == bar", schema);
  ASSERT_TRUE(unfit.has_value());
  EXPECT_EQ(unfit->evaluation_error(), R"(Selector "Foo" is not valid)");

  auto fit = FilterExpression::create_unbound("Status == critical", schema);
  ASSERT_TRUE(fit.has_value());
  EXPECT_EQ(fit->evaluation_error(), "");
  EXPECT_FALSE(fit->matches(kChecks[0]));
  EXPECT_TRUE(fit->matches(kChecks[1]));

  auto bad = FilterExpression::create_unbound("Status ==", schema);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().substr(0, kPrefix.size()), kPrefix);
  EXPECT_EQ(bad.error(), FilterExpression::create("Status ==", schema).error());
}

}  // namespace
}  // namespace gatehouse::tools
