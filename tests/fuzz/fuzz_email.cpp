// libFuzzer target for everything that reads untrusted e-mail input: file splitting (JSON, JSON
// Lines, arrays), SNS envelopes and their string to sign, SES events of both formats, and
// mongoexport documents. Any input must give a result, never a crash or a sanitizer report.
#include "email/EmailIntake.h"
#include "email/SesEvent.h"
#include "email/SnsMessage.h"

#include <QByteArray>
#include <QJsonDocument>
#include <QString>

#include <cstddef>
#include <cstdint>

using namespace herald;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    const EmailIntake::Options options{true, QStringLiteral("fuzz"), 1'800'000'000'000};

    // What the listener does with a body.
    const EmailIntake::Item item = EmailIntake::classifyBytes(input, options);
    if (item.envelope)
        (void)item.envelope->stringToSign();
    for (const EmailEventRecord &row : item.rows)
        (void)row.recipient.size();

    // What the importer does with a file.
    for (const EmailIntake::Document &d : EmailIntake::split(input, QStringLiteral("fuzz"))) {
        if (!d.error.isEmpty())
            continue;
        const EmailIntake::Item i = EmailIntake::classify(d.object, d.raw, options);
        if (i.envelope)
            (void)i.envelope->stringToSign();
        // The SES parser alone, on whatever object came out.
        if (auto ses = SesEvent::parse(d.object, d.raw, 0); ses)
            (void)ses->rows.size();
        if (auto sns = SnsMessage::fromJson(d.object); sns)
            (void)sns->stringToSign();
    }
    return 0;
}
