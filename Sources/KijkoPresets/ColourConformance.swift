public import KijkoMedia

extension PlatformPreset {
    /// The colour tags of a picture (as a probe names them) that differ from this preset's: what
    /// (`colour primaries`, `transfer`, `matrix`, `range`), the file's (nil: untagged) and the
    /// preset's. A tag the preset leaves unspecified is not compared. QC's spec check and the
    /// delivery manifest's `colour` check both go by it.
    public func colourDepartures(_ video: StreamInfo) -> [(what: String, have: String?, wanted: String)] {
        [("colour primaries", colour.primariesName, video.colorPrimaries), ("transfer", colour.transferName, video.colorTransfer),
         ("matrix", colour.matrixName, video.colorMatrix), ("range", colour.rangeName, video.colorRange)]
            .compactMap { what, wanted, have in
                guard let wanted, wanted != "unknown", have != wanted else { return nil }
                return (what, have, wanted)
            }
    }
}
