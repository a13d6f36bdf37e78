// The three renderings of a probe report: matrix, JSON and JUnit XML.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tools/probe/json_report.hpp"
#include "tools/probe/junit_report.hpp"
#include "tools/probe/matrix_report.hpp"

namespace gatehouse::tools {
namespace {

PairResult pair(std::string src, std::string dst, Verdict expected, Verdict observed,
                std::string intention = {}) {
  PairResult p;
  p.source = std::move(src);
  p.destination = std::move(dst);
  p.expected = expected;
  p.observed = {observed, "why " + std::string{to_string(observed)}};
  p.intention = std::move(intention);
  p.target = "127.0.0.1:21000";
  return p;
}

ProbeReport sample() {
  ProbeReport r;
  r.sources = {"api", "web"};
  r.destinations = {"db", "web"};
  r.pairs.push_back(pair("api", "db", Verdict::deny, Verdict::deny));
  r.pairs.push_back(pair("api", "web", Verdict::allow, Verdict::unreachable));
  r.pairs.push_back(pair("web", "db", Verdict::allow, Verdict::allow, "web => db (allow)"));
  r.pairs.back().policy = Verdict::deny;
  return r;
}

TEST(PairResult, MismatchAgainstIntentionsAndPolicy) {
  auto p = pair("web", "db", Verdict::allow, Verdict::allow);
  EXPECT_FALSE(p.mismatch());
  EXPECT_EQ(p.mismatch_reason(), "");
  p.policy = Verdict::deny;
  EXPECT_TRUE(p.mismatch());
  EXPECT_EQ(p.mismatch_reason(), "-expect file expects deny, observed allow");
  p.observed.verdict = Verdict::deny;
  EXPECT_EQ(p.mismatch_reason(), "intentions expect allow, observed deny");
  p.observed.verdict = Verdict::unreachable;
  EXPECT_EQ(p.mismatch_reason(),
            "intentions expect allow, observed unreachable; -expect file expects deny, observed "
            "unreachable");
}

TEST(Reports, ExitCode) {
  EXPECT_EQ(sample().exit_code(), 1);
  ProbeReport ok;
  ok.pairs.push_back(pair("a", "b", Verdict::deny, Verdict::deny));
  EXPECT_EQ(ok.exit_code(), 0);
}

TEST(Reports, MatrixCellsAndMarks) {
  const auto text = render_matrix(sample());
  EXPECT_NE(text.find("Probe (mTLS to each destination's sidecar): 3 pairs, 2 mismatches\n\n"
                      "source \\ destination  db            web\n"
                      "api                   deny/deny     allow/unreachable!\n"
                      "web                   allow/allow!  -\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("Legend: expected/observed."), std::string::npos);
  EXPECT_NE(text.find("  web -> db  allow/allow!  intention: web => db (allow)  -expect: deny  "
                      "observed: why allow  MISMATCH: -expect file expects deny, observed allow\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  api -> db  deny/deny  intention: none (default policy)  observed: why "
                      "deny\n"),
            std::string::npos)
      << text;
}

TEST(Reports, JsonFields) {
  const auto doc = nlohmann::json::parse(render_json(sample()));
  EXPECT_EQ(doc["mode"], "direct");
  EXPECT_EQ(doc["summary"]["pairs"], 3);
  EXPECT_EQ(doc["summary"]["mismatches"], 2);
  const auto& web_db = doc["pairs"][2];
  EXPECT_EQ(web_db["source"], "web");
  EXPECT_EQ(web_db["destination"], "db");
  EXPECT_EQ(web_db["expected"], "allow");
  EXPECT_EQ(web_db["policy"], "deny");
  EXPECT_EQ(web_db["observed"], "allow");
  EXPECT_EQ(web_db["reason"], "why allow");
  EXPECT_EQ(web_db["intention"], "web => db (allow)");
  EXPECT_EQ(web_db["target"], "127.0.0.1:21000");
  EXPECT_EQ(web_db["mismatch"], true);
  EXPECT_EQ(web_db["mismatch_reason"], "-expect file expects deny, observed allow");
  const auto& api_db = doc["pairs"][0];
  EXPECT_TRUE(api_db["policy"].is_null());
  EXPECT_TRUE(api_db["intention"].is_null());
  EXPECT_EQ(api_db["mismatch"], false);
}

TEST(Reports, JunitOneTestcasePerPairWithFailures) {
  const auto xml = render_junit(sample());
  EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                      "<testsuites name=\"gatehouse probe\" tests=\"3\" failures=\"2\">\n"
                      "  <testsuite name=\"gatehouse probe (direct)\" tests=\"3\" failures=\"2\" "
                      "errors=\"0\" skipped=\"0\">\n",
                      0),
            0U)
      << xml;
  EXPECT_NE(xml.find("    <testcase classname=\"gatehouse.probe.api\" name=\"api -&gt; db\" "
                     "time=\"0.000\">\n"
                     "      <system-out>"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<testcase classname=\"gatehouse.probe.web\" name=\"web -&gt; db\" "
                     "time=\"0.000\">\n"
                     "      <failure type=\"mismatch\" message=\"-expect file expects deny, "
                     "observed allow\">observed: why allow</failure>\n"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("expected allow (intention: web =&gt; db (allow)), observed allow"),
            std::string::npos);
  EXPECT_EQ(xml.substr(xml.size() - 29), "  </testsuite>\n</testsuites>\n");
}

// A pair proven by -http-get: the reply's first bytes, the status and the latency in every report.
ProbeReport replied() {
  ProbeReport r;
  r.sources = {"web"};
  r.destinations = {"db", "api"};
  auto web_db = pair("web", "db", Verdict::allow, Verdict::allow, "web => db (allow)");
  web_db.observed.reason = "the app answered HTTP 200 through the mesh";
  web_db.observed.reply = "hello from db\n<\"&\x01>";
  web_db.observed.status = 200;
  web_db.observed.latency = std::chrono::milliseconds{1234};
  r.pairs.push_back(web_db);
  auto web_api = pair("web", "api", Verdict::allow, Verdict::no_reply);
  web_api.observed.latency = std::chrono::milliseconds{3001};
  r.pairs.push_back(web_api);
  return r;
}

TEST(Reports, ReplyInJson) {
  const auto doc = nlohmann::json::parse(render_json(replied()));
  const auto& web_db = doc["pairs"][0];
  EXPECT_EQ(web_db["reply"], "hello from db\n<\"&\x01>");
  EXPECT_EQ(web_db["status"], 200);
  EXPECT_EQ(web_db["latency_ms"], 1234);
  const auto& web_api = doc["pairs"][1];
  EXPECT_EQ(web_api["observed"], "no-reply");
  EXPECT_TRUE(web_api["reply"].is_null());
  EXPECT_TRUE(web_api["status"].is_null());
  EXPECT_EQ(web_api["latency_ms"], 3001);
  EXPECT_EQ(web_api["mismatch"], true);
  EXPECT_EQ(web_api["mismatch_reason"], "intentions expect allow, observed no-reply");
  // Without a reply the field is null, also in the older sample.
  EXPECT_TRUE(nlohmann::json::parse(render_json(sample()))["pairs"][0]["reply"].is_null());
}

TEST(Reports, ReplyInMatrixAndJunit) {
  const auto text = render_matrix(replied());
  EXPECT_NE(text.find("web                   allow/allow  allow/no-reply!\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("  web -> db  allow/allow  intention: web => db (allow)  observed: the app "
                      "answered HTTP 200 through the mesh  reply: \"hello from db\\n<\\\"&\\x01>\""
                      "  1234 ms\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("no-reply (let through, but the app did not answer"), std::string::npos);

  const auto xml = render_junit(replied());
  EXPECT_NE(xml.find("name=\"web -&gt; db\" time=\"1.234\">"), std::string::npos) << xml;
  EXPECT_NE(xml.find("observed allow: the app answered HTTP 200 through the mesh, HTTP 200, "
                     "reply &quot;hello from db\\n&lt;\\&quot;&amp;\\x01&gt;&quot;, 1234 ms"
                     "</system-out>"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("name=\"web -&gt; api\" time=\"3.001\">\n      <failure type=\"mismatch\" "
                     "message=\"intentions expect allow, observed no-reply\">"),
            std::string::npos)
      << xml;
}

TEST(Reports, XmlEscape) {
  EXPECT_EQ(xml_escape(R"(<a & "b" 'c'>)"), "&lt;a &amp; &quot;b&quot; &apos;c&apos;&gt;");
}

}  // namespace
}  // namespace gatehouse::tools
