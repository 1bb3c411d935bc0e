// generate_branch(), make_ack_for_non2xx() and make_cancel().
#include <voip/sip/transaction_requests.hpp>

#include <gtest/gtest.h>

#include <set>

#include "transaction_test_doubles.hpp"

namespace voip::sip::test {
namespace {

Request sent_invite() {
    Request invite = make_request(Method::invite, 42);
    invite.prepend_header(HeaderId::via, "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKabc;rport");
    invite.add_header(HeaderId::via, "SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKlower");
    invite.set_body("v=0\r\n", "application/sdp");
    return invite;
}

TEST(GenerateBranch, HasCookieAndIsUnique) {
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) {
        auto branch = generate_branch();
        ASSERT_TRUE(branch.starts_with("z9hG4bK"));
        ASSERT_EQ(branch.size(), 31U);
        ASSERT_EQ(branch.find_first_not_of("0123456789abcdef", 7), std::string::npos);
        seen.insert(branch);
    }
    EXPECT_EQ(seen.size(), 1000U);
}

// RFC 3261 §17.1.1.3.
TEST(MakeAckForNon2xx, CopiesWhatTheRfcSays) {
    const Request invite = sent_invite();
    Response busy = Response::make_for(invite, 486, {}, "callee-tag");
    const Request ack = make_ack_for_non2xx(invite, busy);
    EXPECT_EQ(ack.method_id(), Method::ack);
    EXPECT_EQ(ack.request_uri_text(), invite.request_uri_text());
    ASSERT_EQ(ack.count(HeaderId::via), 1U) << "only the top Via";
    EXPECT_EQ(ack.branch(), "z9hG4bKabc");
    EXPECT_EQ(ack.to_tag(), "callee-tag");
    EXPECT_EQ(ack.from_tag(), "1928301774");
    EXPECT_EQ(ack.call_id(), invite.call_id());
    EXPECT_EQ(ack.cseq()->number, 42U);
    EXPECT_EQ(ack.cseq()->method, "ACK");
    EXPECT_EQ(ack.routes()->size(), 2U);
    EXPECT_EQ(ack.max_forwards(), 70U);
    EXPECT_TRUE(ack.body().empty());
    EXPECT_FALSE(ack.header(HeaderId::contact));
    // It serializes and parses back.
    EXPECT_TRUE(Request::parse(ack.to_string()));
}

// RFC 3261 §9.1.
TEST(MakeCancel, CopiesWhatTheRfcSays) {
    const Request invite = sent_invite();
    const Request cancel = make_cancel(invite);
    EXPECT_EQ(cancel.method_id(), Method::cancel);
    EXPECT_EQ(cancel.request_uri_text(), invite.request_uri_text());
    ASSERT_EQ(cancel.count(HeaderId::via), 1U);
    EXPECT_EQ(cancel.branch(), "z9hG4bKabc");
    EXPECT_EQ(cancel.header(HeaderId::to), invite.header(HeaderId::to));
    EXPECT_EQ(cancel.cseq()->number, 42U);
    EXPECT_EQ(cancel.cseq()->method, "CANCEL");
    EXPECT_EQ(cancel.routes()->size(), 2U);
    EXPECT_TRUE(cancel.body().empty());
    EXPECT_TRUE(Request::parse(cancel.to_string()));
}

}  // namespace
}  // namespace voip::sip::test
