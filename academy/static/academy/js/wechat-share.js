/* The page's share card inside WeChat: sign this address on the server, then
   hand the card to the JS-SDK for "send to friend" and Moments. */
(function () {
  "use strict";
  var data = document.getElementById("wechat-share");
  var script = document.getElementById("wechat-share-script");
  if (!data || !script || !window.wx || !window.fetch) {
    return;
  }
  var share = JSON.parse(data.textContent);
  var path = window.location.pathname + window.location.search;
  var url = script.getAttribute("data-config-url") + "?path=" + encodeURIComponent(path);
  window
    .fetch(url, { credentials: "same-origin" })
    .then(function (response) {
      return response.ok ? response.json() : Promise.reject(response.status);
    })
    .then(function (config) {
      window.wx.config(config);
      window.wx.ready(function () {
        window.wx.updateAppMessageShareData(share);
        window.wx.updateTimelineShareData({
          title: share.title,
          link: share.link,
          imgUrl: share.imgUrl,
        });
      });
    })
    .catch(function () {
      /* WeChat then shares a plain link, as on any page without the SDK. */
    });
})();
