#include <voip/stun/binding_responder.hpp>

#include <gtest/gtest.h>

#include <array>
#include <cstdint>

namespace {

using namespace voip::stun;

const TransactionId id = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
const asio::ip::udp::endpoint from{asio::ip::make_address("198.51.100.9"), 6000};

std::size_t request(std::span<std::uint8_t> buf, Class cls = Class::request,
                    std::uint16_t extra_attribute = 0) {
    MessageBuilder b{buf, Method::binding, cls, id};
    if (extra_attribute != 0) {
        const std::array<std::uint8_t, 4> value{};
        EXPECT_TRUE(b.add(extra_attribute, value));
    }
    return b.finish().value();
}

TEST(BindingResponder, AnswersWithTheSenderAddress) {
    std::array<std::uint8_t, 128> req{};
    const std::size_t n = request(req);
    std::array<std::uint8_t, 256> out{};
    auto size = BindingResponder::make_response(std::span(req.data(), n), from, out, {});
    ASSERT_TRUE(size) << size.error().message();
    ASSERT_GT(*size, 0U);
    auto m = MessageView::parse(std::span(out.data(), *size));
    ASSERT_TRUE(m) << m.error().message();
    EXPECT_EQ(m->message_class(), Class::success_response);
    EXPECT_EQ(m->transaction_id(), id);
    EXPECT_TRUE(m->has_fingerprint());
    EXPECT_EQ(m->xor_mapped_address().value(), from);
    EXPECT_FALSE(m->find(attribute::mapped_address));
    EXPECT_EQ(*m->software(), "libvoip");
}

TEST(BindingResponder, MappedAddressOnlyAndErrorModes) {
    std::array<std::uint8_t, 128> req{};
    const std::size_t n = request(req);
    std::array<std::uint8_t, 256> out{};
    BindingResponder::Options old_style;
    old_style.xor_mapped_address = false;
    old_style.mapped_address = true;
    auto size = BindingResponder::make_response(std::span(req.data(), n), from, out, old_style);
    ASSERT_TRUE(size);
    auto m = MessageView::parse(std::span(out.data(), *size));
    ASSERT_TRUE(m);
    EXPECT_FALSE(m->find(attribute::xor_mapped_address));
    EXPECT_EQ(m->mapped_address().value(), from);

    BindingResponder::Options failing;
    failing.error_code = 500;
    size = BindingResponder::make_response(std::span(req.data(), n), from, out, failing);
    ASSERT_TRUE(size);
    m = MessageView::parse(std::span(out.data(), *size));
    ASSERT_TRUE(m);
    EXPECT_EQ(m->message_class(), Class::error_response);
    EXPECT_EQ(m->error_code()->code, 500);
}

TEST(BindingResponder, UnknownComprehensionRequiredGets420) {
    std::array<std::uint8_t, 128> req{};
    const std::size_t n = request(req, Class::request, 0x7ABC);
    std::array<std::uint8_t, 256> out{};
    auto size = BindingResponder::make_response(std::span(req.data(), n), from, out, {});
    ASSERT_TRUE(size);
    auto m = MessageView::parse(std::span(out.data(), *size));
    ASSERT_TRUE(m);
    EXPECT_EQ(m->message_class(), Class::error_response);
    EXPECT_EQ(m->error_code()->code, 420);
    auto list = m->find(attribute::unknown_attributes);
    ASSERT_TRUE(list);
    ASSERT_EQ(list->value.size(), 2U);
    EXPECT_EQ(list->value[0], 0x7A);
    EXPECT_EQ(list->value[1], 0xBC);
    // A comprehension-optional unknown attribute is fine.
    const std::size_t optional_n = request(req, Class::request, 0xC001);
    size = BindingResponder::make_response(std::span(req.data(), optional_n), from, out, {});
    ASSERT_TRUE(size);
    m = MessageView::parse(std::span(out.data(), *size));
    EXPECT_EQ(m->message_class(), Class::success_response);
}

TEST(BindingResponder, IgnoresNonRequestsAndRejectsGarbage) {
    std::array<std::uint8_t, 128> req{};
    const std::size_t n = request(req, Class::indication);
    std::array<std::uint8_t, 256> out{};
    auto size = BindingResponder::make_response(std::span(req.data(), n), from, out, {});
    ASSERT_TRUE(size);
    EXPECT_EQ(*size, 0U);
    const std::array<std::uint8_t, 12> rtp = {0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1};
    EXPECT_EQ(BindingResponder::make_response(rtp, from, out, {}).error(),
              make_error_code(Error::truncated));
    const std::size_t full = request(req);
    std::array<std::uint8_t, 30> small{};
    EXPECT_EQ(BindingResponder::make_response(std::span(req.data(), full), from, small, {}).error(),
              make_error_code(Error::buffer_too_small));
}

}  // namespace

namespace {

TEST(BindingResponder, ReportsAConfiguredAddressInsteadOfTheSource) {
    std::array<std::uint8_t, 128> req{};
    const std::size_t n = request(req);
    std::array<std::uint8_t, 256> out{};
    BindingResponder::Options nat;
    nat.mapped_address = true;
    nat.reported_address = asio::ip::udp::endpoint(asio::ip::make_address("203.0.113.7"), 40000);
    auto size = BindingResponder::make_response(std::span(req.data(), n), from, out, nat);
    ASSERT_TRUE(size) << size.error().message();
    auto m = MessageView::parse(std::span(out.data(), *size));
    ASSERT_TRUE(m);
    EXPECT_EQ(m->xor_mapped_address().value(), *nat.reported_address);
    EXPECT_EQ(m->mapped_address().value(), *nat.reported_address);
    EXPECT_NE(*nat.reported_address, from);
}

}  // namespace
