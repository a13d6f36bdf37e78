// Invalid UTF-8 at every endpoint that stores a string, then every view read back. Consul keeps
// such bytes (Go strings hold any bytes) and Go's encoding/json writes each bad byte as U+FFFD
// (encode.go `appendString`); a JSON body's bad bytes are replaced while decoding (decode.go
// `unquoteBytes`). Every view must answer, with JSON that parses.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/integration/support/dev_agent_fixture.hpp"

namespace gatehouse::testing {
namespace {

const std::string kFffd = "\xef\xbf\xbd";  // U+FFFD

class InputHygieneTest : public DevAgentTest {
 protected:
  // The reply must be a status in `allowed`, and JSON that parses when it is 200 with a body
  // (writes such as register answer 200 with none, as Consul does).
  HttpReply expect_answer(const std::string& method, const std::string& path,
                          const std::optional<std::string>& body = std::nullopt,
                          std::vector<int> allowed = {200}) {
    const auto r = agent_.request(method, path, body);
    EXPECT_NE(std::find(allowed.begin(), allowed.end(), r.status), allowed.end())
        << method << " " << path << " answered " << r.status << ": " << r.body;
    if (r.status == 200 && !r.body.empty()) {
      EXPECT_TRUE(nlohmann::json::accept(r.body)) << method << " " << path << ": " << r.body;
    }
    return r;
  }

  void store_everywhere() {
    // Intentions: exact create and update, with a bad description.
    expect_answer("PUT", "/v1/connect/intentions/exact?source=%ff%fe&destination=db",
                  std::string{"{\"Action\":\"allow\",\"Description\":\"caf\xe9\"}"});
    expect_answer("PUT", "/v1/connect/intentions/exact?source=%ff%fe&destination=db",
                  std::string{"{\"Action\":\"deny\",\"Description\":\"a\xe2\x82z\"}"});
    // Legacy create and update, description and Meta value included.
    const auto created = expect_answer(
        "POST", "/v1/connect/intentions",
        std::string{"{\"SourceName\":\"src\xff\",\"DestinationName\":\"api\",\"Action\":\"allow\","
                    "\"Description\":\"d\xfe\",\"Meta\":{\"k\":\"v\xff\"}}"});
    legacy_id_ = created.json()["ID"].get<std::string>();
    expect_answer("PUT", "/v1/connect/intentions/" + legacy_id_,
                  std::string{"{\"SourceName\":\"src\xff\",\"DestinationName\":\"api\","
                              "\"Action\":\"deny\",\"Description\":\"e\xfe\"}"});
    // Config entries, Meta included.
    expect_answer("PUT", "/v1/config",
                  std::string{"{\"Kind\":\"service-intentions\",\"Name\":\"cache\",\"Meta\":{\"m\":"
                              "\"\xff\"},\"Sources\":[{\"Name\":\"n\xfe\",\"Action\":\"allow\","
                              "\"Description\":\"\xc0\"}]}"});
    expect_answer("PUT", "/v1/config",
                  std::string{"{\"Kind\":\"service-defaults\",\"Name\":\"web\xff\","
                              "\"Protocol\":\"tcp\",\"Meta\":{\"m\":\"\xfe\"}}"});
    // A service with a bad name, tags and meta value, a TTL check and a sidecar.
    expect_answer("PUT", "/v1/agent/service/register",
                  std::string{"{\"Name\":\"web\xff\",\"ID\":\"web1\",\"Tags\":[\"t\xfe\"],"
                              "\"Meta\":{\"k\":\"v\xff\"},\"Port\":8080,"
                              "\"Check\":{\"CheckID\":\"ttl1\",\"TTL\":\"30s\",\"Notes\":\"n\xff\"},"
                              "\"Connect\":{\"SidecarService\":{}}}"});
    expect_answer("PUT", "/v1/agent/check/pass/ttl1?note=%ff");
    // CA configuration: a bad key in Config is either kept or refused, never a dead view.
    expect_answer("PUT", "/v1/connect/ca/configuration",
                  std::string{"{\"Provider\":\"consul\",\"Config\":{\"LeafCertTTL\":\"72h\","
                              "\"X\xff\":\"y\xfe\"}}"},
                  {200, 400});
  }

  std::string legacy_id_;
};

TEST_F(InputHygieneTest, EveryViewAnswersValidJsonAfterInvalidUtf8Writes) {
  store_everywhere();
  const std::vector<std::string> views{
      "/v1/connect/intentions",
      "/v1/connect/intentions/match?by=destination&name=db",
      "/v1/connect/intentions/match?by=source&name=%ff%fe",
      "/v1/connect/intentions/check?source=%ff%fe&destination=db",
      "/v1/connect/intentions/exact?source=%ff%fe&destination=db",
      "/v1/connect/intentions/" + legacy_id_,
      "/v1/config/service-intentions",
      "/v1/config/service-intentions/db",
      "/v1/config/service-intentions/cache",
      "/v1/config/service-defaults",
      "/v1/config/service-defaults/web%EF%BF%BD",
      "/v1/agent/services",
      "/v1/agent/service/web1",
      "/v1/agent/service/web1-sidecar-proxy",
      "/v1/agent/checks",
      "/v1/health/connect/web%EF%BF%BD",
      "/v1/catalog/services",
      "/v1/agent/connect/ca/leaf/web%ff",
      "/v1/agent/connect/ca/roots",
      "/v1/connect/ca/roots",
      "/v1/connect/ca/configuration",
  };
  for (const auto& view : views) expect_answer("GET", view);
}

TEST_F(InputHygieneTest, QueryBytesAreKeptAndWrittenAsReplacement) {
  store_everywhere();
  const auto exact = expect_answer("GET", "/v1/connect/intentions/exact?source=%ff%fe&destination=db");
  const auto ixn = exact.json();
  EXPECT_EQ(ixn["SourceName"], kFffd + kFffd);
  EXPECT_EQ(ixn["Description"], "a" + kFffd + kFffd + "z");  // one U+FFFD per bad byte, as Go
  EXPECT_EQ(ixn["Action"], "deny");  // the update found the entry the create stored
  // A name decoded from a JSON body had its bad byte replaced: the raw byte no longer finds it.
  const auto defaults = agent_.get("/v1/config/service-defaults/web%ff");
  EXPECT_EQ(defaults.status, 404);
  EXPECT_EQ(defaults.body, "Config entry not found for \"service-defaults\" / \"web\xff\"");
  // Another invalid byte string is another name, as in Consul, though both print the same.
  const auto other = agent_.get("/v1/connect/intentions/exact?source=%fe%ff&destination=db");
  EXPECT_EQ(other.status, 404) << other.body;
}

TEST_F(InputHygieneTest, CheckNoteAndServiceFieldsReadBackReplaced) {
  store_everywhere();
  const auto checks = expect_answer("GET", "/v1/agent/checks").json();
  EXPECT_EQ(checks["ttl1"]["Output"], kFffd);
  EXPECT_EQ(checks["ttl1"]["ServiceName"], "web" + kFffd);
  const auto service = expect_answer("GET", "/v1/agent/service/web1").json();
  EXPECT_EQ(service["Service"], "web" + kFffd);
  EXPECT_EQ(service["Tags"][0], "t" + kFffd);
  EXPECT_EQ(service["Meta"]["k"], "v" + kFffd);
  // The body's bad byte was replaced while decoding, so the service is named with U+FFFD.
  const auto health = expect_answer("GET", "/v1/health/connect/web%EF%BF%BD").json();
  ASSERT_EQ(health.size(), 1U) << health.dump();
  EXPECT_EQ(health[0]["Service"]["Service"], "web" + kFffd + "-sidecar-proxy");
}

// go-cleanhttp PrintablePathCheckHandler (agent/http.go): a control character in the decoded path
// is a 400 with no body; invalid UTF-8 is not (it reads as U+FFFD, a printable rune).
TEST_F(InputHygieneTest, NonPrintablePathIs400WithoutBody) {
  const auto r = agent_.get("/v1/agent/service/a%0ab");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(agent_.get("/v1/agent/service/a%ffb").status, 404);
  EXPECT_EQ(agent_.get("/v1/agent/service/a%ffb").body, "unknown service ID: a\xff" "b");
}

}  // namespace
}  // namespace gatehouse::testing
