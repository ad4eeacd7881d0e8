"""MIME parsing and text extraction: message bytes -> text parts and attachments."""
