#pragma once

#include "EmailEvent.h"

#include <QString>

namespace herald {

// Amazon's levels for an SES account (Amazon SES developer guide, "reputation metrics"): above
// Review Amazon looks at the account, above Pause it may stop its sending.
enum class RateLevel { Healthy, Review, Pause };
QString rateLevelName(RateLevel level); // healthy, review, pause

// Bounce and complaint rates over a period.
//
// bounce rate    = permanent bounces, not OnAccountSuppressionList, / sends
// complaint rate = complaints / sends
// Sends are the Send events; when a source publishes no Send events (the notification format only
// has Delivery, Bounce and Complaint) the messages that reached an outcome stand in for them
// (deliveries + permanent + transient bounces), so the rate is not undefined for such a source.
struct EmailRates
{
    static constexpr double kBounceReview = 0.05;
    static constexpr double kBouncePause = 0.10;
    static constexpr double kComplaintReview = 0.001;
    static constexpr double kComplaintPause = 0.005;

    qint64 basis = 0;          // the denominator used
    qint64 countedBounces = 0; // the numerator of the bounce rate
    double bounceRate = 0;     // 0..1; 0 when there is no basis
    double complaintRate = 0;
    RateLevel bounceLevel = RateLevel::Healthy;
    RateLevel complaintLevel = RateLevel::Healthy;

    static EmailRates from(const EmailCounts &counts);
    static RateLevel bounceLevelOf(double rate);
    static RateLevel complaintLevelOf(double rate);
};

} // namespace herald
