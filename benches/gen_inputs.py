#!/usr/bin/env python3
"""Writes the inputs benches/cli.sh times into OUT_DIR (generated, so the project carries
no third-party data and every machine measures the same bytes):

  v2-100k.csv, v2-300k.csv   Get-MessageTraceV2 | Export-Csv: one row per message and
                             recipient, Exchange Online Message-IDs (~260 bytes a row)
  extended-100k-utf16.csv    historical search extended report, 100 000 events (10 per
                             message), UTF-16 LE with BOM, as the admin centre saves it
  message-150mb.eml          a message whose 149 MB base64 attachment dwarfs its headers
  unknown-12.bin             12 bytes of no known format

Usage: gen_inputs.py OUT_DIR [--no-big]   (--no-big skips the 300 000 rows and 150 MB)
"""

import os
import sys

STATUSES = ["Delivered", "Failed", "Pending", "FilteredAsSpam", "Quarantined", "Expanded"]


def v2_csv(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write('"Organization","MessageId","Received","SenderAddress","RecipientAddress",'
                  '"Subject","Status","ToIP","FromIP","Size","MessageTraceId"\r\n')
        for i in range(rows):
            out.write(
                '"contoso.onmicrosoft.com","<BY5PR00MB%06dA1B2C3D4E5F6@BY5PR00MB%04d.namprd00.prod.outlook.com>",'
                '"1/%d/2025 %d:%02d:%02d AM","sender%d@example.com","user%d@contoso.com",'
                '"Order confirmation %d","%s","","198.51.100.%d","%d",'
                '"%08x-5d3f-4a18-fe44-08dd%08x"\r\n'
                % (i, i % 9999, i % 28 + 1, i % 12 + 1, i % 60, (i * 7) % 60, i % 500,
                   i % 2000, i, STATUSES[i % len(STATUSES)], i % 250, 1000 + i, i, i))


EVENTS = ["RECEIVE", "AGENTINFO", "AGENTINFO", "DEFER", "AGENTINFO", "RECEIVE", "SEND",
          "AGENTINFO", "DELIVER", "AGENTINFO"]


def extended_utf16(path, rows):
    lines = ["date_time_utc,client_ip,client_hostname,server_ip,server_hostname,source_context,"
             "connector_id,source,event_id,internal_message_id,message_id,network_message_id,"
             "recipient_address,recipient_status,total_bytes,recipient_count,"
             "related_recipient_address,reference,message_subject,sender_address,return_path,"
             "message_info,directionality,tenant_id,original_client_ip,original_server_ip,"
             "custom_data\r\n"]
    for i in range(rows):
        message = i // len(EVENTS)
        event = EVENTS[i % len(EVENTS)]
        status = "451 4.7.500 Server busy. Please try again later (AS761)" if event == "DEFER" else ""
        lines.append(
            "2025-01-%02dT%02d:%02d:%02d.%03dZ,203.0.113.%d,mail.example.com,,"
            "CH0PR00MB5555.namprd00.prod.outlook.com,Agent,,SMTP,%s,%d,<m%d@example.com>,"
            "%08x-0000-4000-8000-000000000000,user%d@contoso.com,%s,2048,1,,,Subject %d,"
            "sender@example.com,sender@example.com,,Incoming,7d0c3b5e-2f1a-4c8b-9e77-0a1b2c3d4e5f,"
            "203.0.113.%d,,S:SFA=SUM|SFV=NSPM|SCL=1\r\n"
            % (message % 28 + 1, (message // 60) % 24, message % 60, i % 60, i % 1000,
               message % 250, event, message, message, message, message % 300, status, message,
               message % 250))
    with open(path, "wb") as out:
        out.write("\ufeff".encode("utf-16-le"))
        out.write("".join(lines).encode("utf-16-le"))


def big_message(path, size):
    head = (b"Received: from mail.example.com (mail.example.com [203.0.113.44]) by "
            b"CH0PR00CA0001.outlook.office365.com (10.0.0.1) with Microsoft SMTP Server "
            b"(version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.1; "
            b"Thu, 16 Jan 2025 15:20:13 +0000\r\n"
            b"From: Accounts <accounts@example.com>\r\nTo: finance@contoso.com\r\n"
            b"Subject: Big attachment\r\nDate: Thu, 16 Jan 2025 15:20:10 +0000\r\n"
            b"Message-ID: <big-150mb@example.com>\r\nMIME-Version: 1.0\r\n"
            b'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
            b"--b1\r\nContent-Type: text/plain\r\n\r\nSee attachment.\r\n"
            b'--b1\r\nContent-Type: application/octet-stream; name="big.bin"\r\n'
            b"Content-Transfer-Encoding: base64\r\n\r\n")
    line = b"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0\r\n"
    tail = b"--b1--\r\n"
    with open(path, "wb") as out:
        out.write(head)
        out.write(line * ((size - len(head) - len(tail)) // len(line)))
        out.write(tail)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    big = "--no-big" not in sys.argv[2:]
    os.makedirs(out, exist_ok=True)
    v2_csv(os.path.join(out, "v2-100k.csv"), 100_000)
    extended_utf16(os.path.join(out, "extended-100k-utf16.csv"), 100_000)
    with open(os.path.join(out, "unknown-12.bin"), "wb") as f:
        f.write(b"hello world\n")
    if big:
        v2_csv(os.path.join(out, "v2-300k.csv"), 300_000)
        big_message(os.path.join(out, "message-150mb.eml"), 150 * 1000 * 1000)


if __name__ == "__main__":
    main()
