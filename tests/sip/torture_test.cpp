// RFC 4475 torture messages: every file of ../shared/conformance/rfc4475 against the parser
// column of its MANIFEST.tsv, with the key fields of every accepted message checked.

#include <voip/sip/parser.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include "sip/sip_test_util.hpp"

namespace voip::sip {
namespace {

namespace fs = std::filesystem;
using test::as_message;
using ::testing::ElementsAre;

const Request& req(const AnyMessage& m) {
    return std::get<Request>(m);
}
const Response& res(const AnyMessage& m) {
    return std::get<Response>(m);
}

// What this parser does with each file: an error code (reject) or checks of key fields
// (accept). For "either" rows this records the choice we made.
struct Expectation {
    std::optional<ParseError> error;
    std::function<void(const AnyMessage&)> check;
};

Expectation reject(ParseError e) {
    return {e, {}};
}
Expectation accept(std::function<void(const AnyMessage&)> f) {
    return {std::nullopt, std::move(f)};
}

const std::map<std::string, Expectation>& expectations() {
    static const std::map<std::string, Expectation> table = {
        {"wsinv.dat", accept([](const AnyMessage& any) {
             const Request& r = req(any);
             EXPECT_EQ(r.method_id(), Method::invite);
             EXPECT_EQ(r.request_uri_text(), "sip:vivekg@chair-dnrc.example.com;unknownparam");
             EXPECT_EQ(r.to_tag(), "1918181833n");
             EXPECT_EQ(r.to()->uri().to_string(), "sip:vivekg@chair-dnrc.example.com");
             EXPECT_EQ(r.from_tag(), "98asjd8");
             EXPECT_EQ(r.from()->display_name(), "J Rosenberg \\\"");
             EXPECT_EQ(r.max_forwards(), 68U);
             EXPECT_EQ(r.call_id(), "wsinv.ndaksdj@192.0.2.1");
             EXPECT_EQ(r.cseq()->number, 9U);
             EXPECT_EQ(r.cseq()->method, "INVITE");
             auto vias = r.vias().value();
             ASSERT_EQ(vias.size(), 3U);
             EXPECT_EQ(vias[0].transport, "UDP");
             EXPECT_EQ(vias[0].host, "192.0.2.2");
             EXPECT_EQ(vias[0].branch(), "390skdjuw");
             EXPECT_EQ(vias[1].transport, "TCP");
             EXPECT_EQ(vias[1].host, "spindle.example.com");
             EXPECT_EQ(vias[1].branch(), "z9hG4bK9ikj8");
             EXPECT_EQ(vias[2].transport, "UDP");
             EXPECT_EQ(vias[2].host, "192.168.255.111");
             EXPECT_EQ(vias[2].branch(), "z9hG4bK30239");
             auto contacts = r.contacts().value();
             ASSERT_EQ(contacts.size(), 1U);
             EXPECT_EQ(contacts[0].display_name(), "Quoted string \"\"");
             EXPECT_EQ(contacts[0].uri().to_string(), "sip:jdrosen@example.com");
             EXPECT_EQ(contacts[0].param("newparam"), "newvalue");
             EXPECT_TRUE(contacts[0].params().contains("secondparam"));
             EXPECT_EQ(contacts[0].param("q"), "0.33");
             EXPECT_EQ(r.header("s"), "");
             EXPECT_THAT(std::string(*r.header("NewFangledHeader")),
                         ::testing::MatchesRegex("newfangled value +continued newfangled value"));
             EXPECT_EQ(r.header("UnknownHeaderWithUnusualValue"), ";;,,;;,;");
             auto routes = r.routes().value();
             ASSERT_EQ(routes.size(), 1U);
             EXPECT_TRUE(routes[0].uri().lr());
             EXPECT_EQ(r.content_type(), "application/sdp");
             EXPECT_EQ(r.body().size(), 150U);
         })},
        {"intmeth.dat", accept([](const AnyMessage& any) {
             const Request& r = req(any);
             EXPECT_EQ(r.method(), "!interesting-Method0123456789_*+`.%indeed'~");
             EXPECT_EQ(r.method_id(), Method::other);
             auto uri = r.request_uri().value();
             EXPECT_EQ(uri.user(), "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
             EXPECT_EQ(uri.password(), "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
             EXPECT_EQ(uri.host(), "example.com");
             EXPECT_EQ(r.to()->display_name(), std::string("BEL:\x07 NUL:\0 DEL:\x7F", 17));
             EXPECT_EQ(r.from_tag(), "_token~1'+`*%!-.");
             EXPECT_EQ(r.from()->display_name(), "token1~` token2'+_ token3*%!.-");
             EXPECT_EQ(r.call_id(), "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{");
             EXPECT_EQ(r.cseq()->method, r.method());
             EXPECT_EQ(r.top_via()->branch(), "z9hG4bK-.!%66*_+`'~");
             EXPECT_EQ(r.header("extensionHeader-!.%*+_`'~"),
                       "\xEF\xBB\xBF\xE5\xA4\xA7\xE5\x81\x9C\xE9\x9B\xBB");
         })},
        {"esc01.dat", accept([](const AnyMessage& any) {
             const Request& r = req(any);
             auto uri = r.request_uri().value();
             EXPECT_EQ(uri.user_unescaped(), "sips:user@example.com");
             EXPECT_EQ(uri.host(), "example.net");
             EXPECT_EQ(r.to()->uri(), Uri::parse("sip:user@example.com").value());
             EXPECT_EQ(r.from()->uri().user_unescaped(), "I have spaces");
             EXPECT_EQ(r.call_id(), "esc01.239409asdfakjkn23onasd0-3234");
             EXPECT_EQ(r.content_type(), "application/sdp");
             auto contact = r.contacts().value().at(0).uri();
             EXPECT_EQ(contact,
                       Uri::parse("sip:caller@host5.example.net;lr;name=value%2541").value());
         })},
        {"escnull.dat", accept([](const AnyMessage& any) {
             const Request& r = req(any);
             EXPECT_EQ(r.to()->uri().user_unescaped(), std::string("null-\0-null", 11));
             auto contacts = r.contacts().value();
             ASSERT_EQ(contacts.size(), 2U);
             EXPECT_EQ(contacts[0].uri().user_unescaped(), std::string(1, '\0'));
             EXPECT_EQ(contacts[1].uri().user_unescaped(), std::string(2, '\0'));
             EXPECT_EQ(r.content_length(), 0U);
         })},
        {"esc02.dat", accept([](const AnyMessage& any) {
             const Request& r = req(any);
             EXPECT_EQ(r.method(), "RE%47IST%45R");
             EXPECT_EQ(r.method_id(), Method::other);
             EXPECT_EQ(r.to()->display_name(), "%Z%45");
             EXPECT_EQ(r.count(HeaderId::contact), 2U);
             EXPECT_EQ(r.header("C%6Fntact"), "<sip:alias2@host2.example.com>");
             EXPECT_EQ(r.branch(), "z9hG4bK209%fzsnel234");
         })},
        {"lwsdisp.dat", accept([](const AnyMessage& any) {
             const Request& r = req(any);
             EXPECT_EQ(r.from()->display_name(), "caller");
             EXPECT_EQ(r.from_tag(), "323");
             EXPECT_EQ(r.method_id(), Method::options);
         })},
        {"longreq.dat", accept([](const AnyMessage& any) {
             const Request& r = req(any);
             EXPECT_EQ(r.to()->display_name(),
                       "I have a user name of "
                       "extremeextremeextremeextremeextremeextremeextremeextremeextremeextreme "
                       "proportion");
             EXPECT_EQ(r.to()->uri().port(), 6000);
             auto to_uri = r.to()->uri();
             ASSERT_EQ(to_uri.params().size(), 3U);
             std::vector<Param> params(to_uri.params().begin(), to_uri.params().end());
             EXPECT_TRUE(params[2].name.starts_with("verylonglong"));
             EXPECT_TRUE(params[2].name.ends_with("ParameterNameWithNoValue"));
             EXPECT_FALSE(params[2].has_value);
             EXPECT_EQ(params[1].value, "shortvalue");
             EXPECT_EQ(r.from_tag().size(), 155U);  // "12982...2424"
             EXPECT_TRUE(r.from_tag().ends_with("982424"));
             auto vias = r.vias().value();
             EXPECT_EQ(vias.size(), 34U);
             EXPECT_EQ(vias.front().host, "sip33.example.com");
             EXPECT_TRUE(vias.back().branch().starts_with("verylong"));
             EXPECT_EQ(vias.back().received(), "192.0.2.5");
             EXPECT_EQ(r.cseq()->number, 3882340U);
             EXPECT_EQ(r.body().size(), 150U);
         })},
        {"dblreq.dat", accept([](const AnyMessage& any) {
             const Request& r = req(any);
             EXPECT_EQ(r.method_id(), Method::register_);
             EXPECT_EQ(r.call_id(), "dblreq.0ha0isndaksdj99sdfafnl3lk233412");
             EXPECT_TRUE(r.body().empty());
         })},
        {"semiuri.dat", accept([](const AnyMessage& any) {
             const Request& r = req(any);
             auto uri = r.request_uri().value();
             EXPECT_EQ(uri.user(), "user;par=u%40example.net");
             EXPECT_EQ(uri.host(), "example.com");
             EXPECT_TRUE(uri.params().empty());
             EXPECT_EQ(r.header_values(HeaderId::accept).size(), 6U);
         })},
        {"transports.dat", accept([](const AnyMessage& any) {
             std::vector<std::string> transports;
             auto vias = req(any).vias().value();
             for (const Via& v : vias)
                 transports.emplace_back(v.transport);
             EXPECT_THAT(transports, ElementsAre("UDP", "SCTP", "TLS", "UNKNOWN", "TCP"));
         })},
        {"mpart01.dat", accept([](const AnyMessage& any) {
             const Request& r = req(any);
             EXPECT_EQ(r.method_id(), Method::message);
             EXPECT_TRUE(r.content_type().starts_with("multipart/mixed;boundary="));
             EXPECT_EQ(r.body().size(), 553U);
             EXPECT_TRUE(r.body().starts_with("--7a9cbec02ceef655"));
         })},
        {"unreason.dat", accept([](const AnyMessage& any) {
             const Response& r = res(any);
             EXPECT_EQ(r.status_code(), 200);
             std::string file = test::read_file(test::torture_dir / "unreason.dat");
             std::string first_line = file.substr(0, file.find("\r\n"));
             EXPECT_EQ(r.reason(), first_line.substr(std::string_view("SIP/2.0 200 ").size()));
             EXPECT_TRUE(r.reason().starts_with("= 2**3 * 5**2 "));
             EXPECT_EQ(r.to_tag(), "2229");
         })},
        {"noreason.dat", accept([](const AnyMessage& any) {
             EXPECT_EQ(res(any).status_code(), 100);
             EXPECT_EQ(res(any).reason(), "");
         })},
        {"badinv01.dat", reject(ParseError::bad_via)},
        {"clerr.dat", reject(ParseError::content_length_mismatch)},
        {"ncl.dat", reject(ParseError::bad_content_length)},
        {"scalar02.dat", reject(ParseError::bad_cseq)},
        {"scalarlg.dat", reject(ParseError::bad_cseq)},
        {"quotbal.dat", reject(ParseError::bad_name_addr)},
        {"ltgtruri.dat", reject(ParseError::bad_request_uri)},
        {"lwsruri.dat", reject(ParseError::bad_request_uri)},
        {"lwsstart.dat", reject(ParseError::bad_start_line)},
        {"trws.dat", reject(ParseError::bad_start_line)},
        {"escruri.dat", accept([](const AnyMessage& any) {
             auto uri = req(any).request_uri().value();
             EXPECT_EQ(uri.headers(), "Route=%3Csip:example.com%3E");
             EXPECT_EQ(uri.host(), "example.com");
         })},
        {"baddate.dat", accept([](const AnyMessage& any) {
             EXPECT_EQ(req(any).header(HeaderId::date), "Fri, 01 Jan 2010 16:00:00 EST");
         })},
        {"regbadct.dat", reject(ParseError::bad_name_addr)},
        {"badaspec.dat", reject(ParseError::bad_uri)},
        {"baddn.dat", reject(ParseError::bad_name_addr)},
        {"badvers.dat", reject(ParseError::bad_version)},
        {"mismatch01.dat", reject(ParseError::cseq_method_mismatch)},
        {"mismatch02.dat", reject(ParseError::cseq_method_mismatch)},
        {"bigcode.dat", reject(ParseError::bad_status_code)},
        {"badbranch.dat", accept([](const AnyMessage& any) {
             auto via = req(any).top_via().value();
             EXPECT_EQ(via.branch(), "z9hG4bK");
             EXPECT_EQ(via.host, "192.0.2.1");
         })},
        {"insuf.dat", reject(ParseError::missing_header)},
        {"unkscm.dat", accept([](const AnyMessage& any) {
             auto uri = req(any).request_uri().value();
             EXPECT_EQ(uri.scheme(), Uri::Scheme::other);
             EXPECT_EQ(uri.scheme_name(), "nobodyKnowsThisScheme");
             EXPECT_EQ(uri.opaque(), "totallyopaquecontent");
         })},
        {"novelsc.dat", accept([](const AnyMessage& any) {
             auto uri = req(any).request_uri().value();
             EXPECT_EQ(uri.scheme(), Uri::Scheme::other);
             EXPECT_EQ(uri.scheme_name(), "soap.beep");
             EXPECT_EQ(uri.opaque(), "//192.0.2.103:3002");
         })},
        {"unksm2.dat", accept([](const AnyMessage& any) {
             const Request& r = req(any);
             EXPECT_EQ(r.to()->uri().scheme_name(), "isbn");
             EXPECT_EQ(r.from()->uri().to_string(), "http://www.example.com");
             EXPECT_EQ(r.from_tag(), "3234233");
             EXPECT_EQ(r.contact_uri(), "name:John_Smith");
         })},
        {"bext01.dat", accept([](const AnyMessage& any) {
             const Request& r = req(any);
             EXPECT_THAT(r.require(),
                         ElementsAre("nothingSupportsThis", "nothingSupportsThisEither"));
             EXPECT_THAT(r.proxy_require(),
                         ElementsAre("noProxiesSupportThis", "norDoAnyProxiesSupportThis"));
         })},
        {"invut.dat", accept([](const AnyMessage& any) {
             EXPECT_EQ(req(any).content_type(), "application/unknownformat");
             EXPECT_EQ(req(any).body().size(), 40U);
         })},
        {"regaut01.dat", accept([](const AnyMessage& any) {
             EXPECT_THAT(req(any).authorization(),
                         ElementsAre("NoOneKnowsThisScheme opaque-data=here"));
         })},
        {"multi01.dat", reject(ParseError::duplicate_header)},
        {"mcl01.dat", reject(ParseError::duplicate_header)},
        {"bcast.dat", accept([](const AnyMessage& any) {
             const Response& r = res(any);
             auto vias = r.vias().value();
             ASSERT_EQ(vias.size(), 2U);
             EXPECT_EQ(vias[1].host, "255.255.255.255");
             EXPECT_EQ(r.status_code(), 200);
         })},
        {"zeromf.dat",
         accept([](const AnyMessage& any) { EXPECT_EQ(req(any).max_forwards(), 0U); })},
        {"cparam01.dat", accept([](const AnyMessage& any) {
             auto contact = req(any).contacts().value().at(0);
             EXPECT_EQ(contact.uri().to_string(), "sip:+19725552222@gw1.example.net");
             EXPECT_TRUE(contact.uri().params().empty());
             EXPECT_TRUE(contact.params().contains("unknownparam"));
         })},
        {"cparam02.dat", accept([](const AnyMessage& any) {
             auto contact = req(any).contacts().value().at(0);
             EXPECT_TRUE(contact.uri().params().contains("unknownparam"));
             EXPECT_TRUE(contact.params().empty());
         })},
        {"regescrt.dat", accept([](const AnyMessage& any) {
             auto contact = req(any).contacts().value().at(0);
             EXPECT_EQ(contact.uri().headers(), "Route=%3Csip:sip.example.com%3E");
             EXPECT_EQ(req(any).content_length(), 0U);
         })},
        {"sdp01.dat", accept([](const AnyMessage& any) {
             EXPECT_EQ(req(any).header(HeaderId::accept), "text/nobodyKnowsThis");
             EXPECT_EQ(req(any).content_type(), "application/sdp");
         })},
        {"inv2543.dat", accept([](const AnyMessage& any) {
             const Request& r = req(any);
             EXPECT_FALSE(r.max_forwards().has_value());
             EXPECT_FALSE(r.content_length().has_value());
             EXPECT_EQ(r.branch(), "");
             EXPECT_FALSE(r.top_via()->has_rfc3261_branch());
             EXPECT_EQ(r.from_tag(), "");
             // RFC 3261 §20: in the addr-spec form ";user=phone" is a header parameter.
             EXPECT_EQ(r.to()->param("user"), "phone");
             EXPECT_TRUE(r.to()->uri().params().empty());
             EXPECT_EQ(r.from()->uri().param("user"), "phone");
             EXPECT_TRUE(r.body().starts_with("v=0"));
             EXPECT_EQ(r.record_routes()->at(0).uri().param("maddr"), "ss1.example.com");
         })},
    };
    return table;
}

TEST(Rfc4475, ManifestAndFilesMatchOneToOne) {
    auto rows = test::read_torture_manifest();
    std::set<std::string> manifest_files;
    for (const auto& row : rows) {
        EXPECT_TRUE(manifest_files.insert(row.file).second) << "duplicate row " << row.file;
        EXPECT_TRUE(fs::exists(test::torture_dir / row.file)) << "row without file: " << row.file;
        EXPECT_TRUE(expectations().contains(row.file)) << "row without expectation: " << row.file;
    }
    std::set<std::string> files;
    for (const auto& entry : fs::directory_iterator(test::torture_dir)) {
        if (entry.path().extension() == ".dat") files.insert(entry.path().filename().string());
    }
    for (const auto& f : files)
        EXPECT_TRUE(manifest_files.contains(f)) << "file without row: " << f;
    EXPECT_EQ(files.size(), 49U);
    EXPECT_EQ(rows.size(), 49U);
    EXPECT_EQ(expectations().size(), 49U);
}

TEST(Rfc4475, EveryMessageGetsItsVerdict) {
    int accepted = 0;
    int rejected = 0;
    for (const auto& row : test::read_torture_manifest()) {
        SCOPED_TRACE(row.file + " (RFC 4475 §" + row.section + ", " + row.parser + ")");
        auto it = expectations().find(row.file);
        ASSERT_NE(it, expectations().end());
        const Expectation& expected = it->second;
        if (row.parser == "accept") {
            EXPECT_FALSE(expected.error.has_value());
        }
        if (row.parser == "reject") {
            EXPECT_TRUE(expected.error.has_value());
        }
        ASSERT_TRUE(row.parser == "accept" || row.parser == "reject" || row.parser == "either");

        auto parsed = parse_message(test::read_file(test::torture_dir / row.file));
        if (expected.error) {
            ASSERT_FALSE(parsed.has_value());
            EXPECT_EQ(parsed.error(), make_error_code(*expected.error)) << parsed.error().message();
            ++rejected;
            continue;
        }
        ASSERT_TRUE(parsed.has_value()) << parsed.error().message();
        expected.check(*parsed);
        // Round trip: what we write parses again to the same values.
        auto again = parse_message(test::as_message(*parsed).to_string());
        ASSERT_TRUE(again.has_value()) << again.error().message();
        EXPECT_EQ(test::summary(*again), test::summary(*parsed));
        if (!row.file.starts_with("unksm2") && !row.file.starts_with("inv2543")) {
            EXPECT_FALSE(test::as_message(*parsed).call_id().empty());
        }
        ++accepted;
    }
    EXPECT_EQ(accepted + rejected, 49);
}

}  // namespace
}  // namespace voip::sip
