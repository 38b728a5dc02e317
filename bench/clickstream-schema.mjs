// The KDA InputSchema of the click events both SQL benches read: seed 004's lab events
// ({"user_id":"u440","event_timestamp":1714521600000,"event_name":"checkout",...}).
export const CLICK_EVENTS_SCHEMA = {
  NamePrefix: 'SOURCE_SQL_STREAM',
  RecordFormat: {RecordFormatType: 'JSON', MappingParameters: {JSONMappingParameters: {RecordRowPath: '$'}}},
  RecordEncoding: 'UTF-8',
  RecordColumns: [
    {Name: 'user_id', SqlType: 'VARCHAR(7)', Mapping: '$.user_id'},
    {Name: 'event_timestamp', SqlType: 'BIGINT', Mapping: '$.event_timestamp'},
    {Name: 'event_name', SqlType: 'VARCHAR(16)', Mapping: '$.event_name'},
    {Name: 'event_type', SqlType: 'VARCHAR(8)', Mapping: '$.event_type'},
    {Name: 'device_type', SqlType: 'VARCHAR(10)', Mapping: '$.device_type'},
  ],
}
