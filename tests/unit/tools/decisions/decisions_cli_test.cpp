// `gatehouse decisions`: flags, the request target they make, and the text format.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "tools/decisions/decision_text.hpp"
#include "tools/decisions/decisions_options.hpp"

namespace gatehouse::tools {
namespace {

using Env = std::map<std::string, std::string>;

boost::system::result<DecisionsOptions, std::string> parse(std::vector<std::string> args,
                                                           Env env = {}) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return parse_decisions_options(argv, [env](std::string_view name) -> std::optional<std::string> {
    const auto it = env.find(std::string{name});
    if (it == env.end()) return std::nullopt;
    return it->second;
  });
}

TEST(DecisionsOptions, FlagsMakeTheQuery) {
  const auto o = parse({"-admin-addr", "127.0.0.1:19000", "-follow", "-outcome", "denied",
                        "-outcome", "failed,revoked", "-src-service", "web", "-dst-service",
                        "db v2", "-direction", "inbound", "-limit", "20", "-format", "json"});
  ASSERT_TRUE(o) << o.error();
  EXPECT_EQ(o->admin_label(), "127.0.0.1:19000");
  EXPECT_EQ(o->format, DecisionsFormat::json);
  EXPECT_EQ(o->target(),
            "/decisions?outcome=denied&outcome=failed%2Crevoked&src_service=web&dst_service=db%"
            "20v2&direction=inbound&limit=20&follow=1");
}

TEST(DecisionsOptions, DefaultsAndTheEnvironment) {
  const auto o = parse({}, {{"GATEHOUSE_ADMIN_ADDR", "http://127.0.0.1:19001/"}});
  ASSERT_TRUE(o) << o.error();
  EXPECT_EQ(o->admin_label(), "127.0.0.1:19001");
  EXPECT_EQ(o->format, DecisionsFormat::text);
  EXPECT_EQ(o->target(), "/decisions");
  // The flag wins over the environment.
  const auto flag =
      parse({"-admin-addr", "[::1]:19002"}, {{"GATEHOUSE_ADMIN_ADDR", "127.0.0.1:19001"}});
  ASSERT_TRUE(flag) << flag.error();
  EXPECT_EQ(flag->admin_label(), "[::1]:19002");
  EXPECT_EQ(parse({"-admin-addr", ":19003"})->admin_label(), "127.0.0.1:19003");
}

TEST(DecisionsOptions, Errors) {
  EXPECT_EQ(parse({}).error(),
            "-admin-addr (or GATEHOUSE_ADMIN_ADDR) must name the sidecar's admin address");
  EXPECT_EQ(parse({"-admin-addr", "127.0.0.1:1", "-format", "yaml"}).error(),
            "-format must be text or json, got \"yaml\"");
  EXPECT_EQ(parse({"-admin-addr", "127.0.0.1"}).error(),
            "-admin-addr: address 127.0.0.1: missing port in address");
  EXPECT_EQ(parse({"-admin-addr", "127.0.0.1:0"}).error(),
            "-admin-addr: port 0 is not a sidecar's admin port");
  EXPECT_EQ(parse({"-admin-addr", "127.0.0.1:1", "extra"}).error(),
            "Should have no non-flag arguments.");
  EXPECT_FALSE(parse({"-admin-addr", "127.0.0.1:1", "-limit", "x"}));
  EXPECT_TRUE(parse({"-h"})->help);
}

TEST(DecisionText, OneReadableLinePerDecision) {
  EXPECT_EQ(decision_text(
                R"({"time":"2026-12-02T15:23:33.123Z","event":"conn","outcome":"denied",)"
                R"("src_service":"web","dst_service":"db","reason":"Matched L4 intention",)"
                R"("decision_source":"agent","intention":"default/web => default/db","conn":3})"),
            "2026-12-02T15:23:33.123Z denied web \u2192 db intention=\"default/web => default/db\" "
            "decision_source=agent reason=\"Matched L4 intention\"");
  // A failed handshake knows no caller; outbound is marked.
  EXPECT_EQ(decision_text(R"({"time":"T","outcome":"failed","src_service":"","dst_service":"db",)"
                          R"("reason":"tls handshake failed"})"),
            "T failed - \u2192 db reason=\"tls handshake failed\"");
  EXPECT_EQ(decision_text(R"({"time":"T","direction":"outbound","outcome":"accepted",)"
                          R"("src_service":"web","dst_service":"db","reason":""})"),
            "T accepted outbound web \u2192 db reason=\"\"");
}

TEST(DecisionText, DroppedNoticeAndForeignLines) {
  EXPECT_EQ(decision_text(R"({"dropped":12})"),
            "(12 decisions dropped here: this reader fell behind)");
  EXPECT_EQ(decision_text("not json"), "not json");
  EXPECT_EQ(decision_text("[1,2]"), "[1,2]");
}

}  // namespace
}  // namespace gatehouse::tools
